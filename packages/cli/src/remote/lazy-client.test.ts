import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { ADMIN_QUICK, ADMIN_QUICK_METHODS } from "./admin-quick.ts";

test("every quick AdminService method is the generated one: name, messages, kind, idempotency", () => {
  assert.ok(Object.keys(ADMIN_QUICK_METHODS).length > 0);
  for (const method of ADMIN_QUICK.methods) {
    const real = AdminService.method[method.localName as keyof typeof AdminService.method];
    assert.ok(real !== undefined, `${method.localName} is not an AdminService method`);
    assert.equal(method.name, real.name);
    assert.equal(method.input.typeName, real.input.typeName, method.localName);
    assert.equal(method.output.typeName, real.output.typeName, method.localName);
    assert.equal(method.methodKind, real.methodKind);
    assert.equal(method.idempotency, real.idempotency, method.localName);
    assert.equal(method.parent.typeName, AdminService.typeName);
  }
});

// A fresh process that records the modules it loads (Node's own module hooks): connecting and
// calling a quick method must not load the generated service; another method loads it then.
test("the generated AdminService loads only on the first call of a method outside the quick ones", () => {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { connect } = await import(${JSON.stringify(new URL("./connection.ts", import.meta.url).href)});
    const service = () => loaded.some((u) => u.endsWith("/service/admin_pb.js"));
    const remote = connect({ endpoint: "http://127.0.0.1:9", project: "p", domain: "d" });
    const steps = [service(), (await Promise.resolve(remote.admin)) === remote.admin];
    await remote.admin.getProject({ id: "p" }).catch(() => {});
    steps.push(service());
    await remote.admin.listTasks({}).catch(() => {});
    steps.push(service());
    console.log(JSON.stringify(steps));
  `;
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), [false, true, false, true]);
});
