// `flyte register` of serialized packages, as `flytectl register files` takes them: a folder that
// `flyte serialize` wrote (then executed on a real server with a worker), the same as a .tgz, and
// packages pyflyte wrote from Flyte's corpus when it sits beside the checkout.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { IdentifierSchema, ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { ROOT, flyteAsync, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const CORPUS_REGISTER = resolve(ROOT, "../shared/flyte-corpus/data/flytectl/cmd/register/testdata");

describe("flyte register of serialized packages", () => {
  let dir: string;
  let server: ServerProcess;
  let admin: Client<typeof AdminService>;
  const ok = async (...args: string[]): Promise<string> => {
    const res: ProcessResult = await flyteAsync([...args, "--endpoint", server.url]);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyte-register-package-"));
    server = await startServerProcess(join(dir, "data"), ["--workers", "1"]);
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const res = await flyteAsync(["serialize", "tests/testdata/remote.ts", "--out", join(dir, "pkg")]);
    assert.equal(res.status, 0, res.stderr);
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a folder from flyte serialize registers, and its workflow runs on a worker", async () => {
    const out = await ok("register", join(dir, "pkg"), "--project", "pkgs", "--version", "p1");
    assert.match(out, /registered task +shout:p1/);
    assert.match(out, /registered launch plan shout_wf:p1/);
    const launchPlan = create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, project: "pkgs", domain: "development", name: "shout_wf", version: "p1" });
    const created = await admin.createExecution({
      project: "pkgs",
      domain: "development",
      spec: { launchPlan },
      inputs: { literals: { text: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "hi" } } } } } } } },
    });
    let phase = WorkflowExecution_Phase.UNDEFINED;
    for (let i = 0; i < 300 && ![WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED].includes(phase); i++) {
      await new Promise((r) => setTimeout(r, 200));
      phase = (await admin.getExecution({ id: created.id })).closure?.phase ?? phase;
    }
    const execution = await admin.getExecution({ id: created.id });
    assert.equal(phase, WorkflowExecution_Phase.SUCCEEDED, execution.closure?.outputResult.case === "error" ? execution.closure.outputResult.value.message : "");
  });

  test("the same package as a .tgz registers; again with the same version is accepted", async () => {
    const tgz = join(dir, "pkg.tgz");
    const tar = spawnSync("tar", ["czf", tgz, "-C", join(dir, "pkg"), "."], { encoding: "utf8" });
    assert.equal(tar.status, 0, tar.stderr);
    const first = JSON.parse(await ok("register", tgz, "--project", "pkgs", "--json")) as { version: string; registered: { kind: string }[] };
    assert.equal(first.registered.length, 9);
    const again = JSON.parse(await ok("register", tgz, "--project", "pkgs", "--json")) as { version: string };
    assert.equal(again.version, first.version, "identical content derives the identical version");
  });

  test("a file that is not a serialized entity is refused, naming the file", async () => {
    writeFileSync(join(dir, "pkg", "99_stray.pb"), "x");
    const res = await flyteAsync(["register", join(dir, "pkg"), "--endpoint", server.url]);
    rmSync(join(dir, "pkg", "99_stray.pb"));
    assert.equal(res.status, 1);
    assert.match(res.stderr, /99_stray\.pb: cannot tell what it holds; serialized entities end in _1\.pb \(task\)/);
  });

  test("pyflyte packages from Flyte's corpus register", { skip: existsSync(CORPUS_REGISTER) ? false : `Flyte's corpus is not beside this checkout (${CORPUS_REGISTER})` }, async () => {
    for (const pkg of ["failure-node.tgz", "valid-register.tgz"]) {
      const out = await ok("register", join(CORPUS_REGISTER, pkg), "--project", "corpus", "--version", "v1");
      assert.match(out, /entities registered in corpus\/development under version v1/, pkg);
    }
    const wf = await admin.getWorkflow({
      id: { resourceType: ResourceType.WORKFLOW, project: "corpus", domain: "development", name: "flyte-example.failure_node.wf1", version: "v1" },
    });
    assert.ok(wf.closure?.compiledWorkflow?.primary !== undefined);
  });
});
