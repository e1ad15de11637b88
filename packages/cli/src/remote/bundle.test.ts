// The code bundle: self-contained (imported from a folder with no node_modules, in a fresh
// process, it runs the example's tasks) and deterministic (same code, same digest).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { loadAndBundle } from "./registration.ts";

const ROOT = resolve(import.meta.dirname, "../../../..");

describe("the code bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bundle-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("built from examples/basics/workflow.ts runs its tasks in a fresh process without node_modules", async () => {
    const bundle = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    assert.deepEqual(bundle.modules, ["examples.basics.workflow"]);
    writeFileSync(join(dir, "bundle.mjs"), bundle.bytes);
    const script = `
      const { format, modules, runtime } = await import("./bundle.mjs");
      const ns = modules["examples.basics.workflow"];
      const t2 = runtime.definitionOf(ns.t2);
      const wf = runtime.definitionOf(ns.my_wf);
      console.log(JSON.stringify({ format, exports: Object.keys(ns).sort(), t2: await runtime.runLocally(t2, { a: "world", b: "hello " }), wf: await runtime.runLocally(wf, { a: 50, b: "hello" }) }));
    `;
    writeFileSync(join(dir, "run.mjs"), script);
    const res = spawnSync(process.execPath, ["run.mjs"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { format: 2, exports: ["my_wf", "t1", "t2"], t2: "hello world", wf: [52, "helloworld"] });
  });

  test("is the same file, with the same digest, when built twice from the same code", async () => {
    const a = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    const b = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    assert.equal(a.sha256, b.sha256);
    assert.match(a.sha256, /^[0-9a-f]{64}$/);
    const other = (await loadAndBundle(["examples/basics/lists.ts"], ROOT, false)).bundle;
    assert.notEqual(other.sha256, a.sha256);
  });
});
