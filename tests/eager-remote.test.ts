// Eager workflows on the server, end to end: a real `flyte start` with one pooled worker, and
// `flyte run --remote` of examples/composition/eager.ts printing what the local run prints. Each
// awaited call is a child node of the eager node (listed with ListNodeExecutions), a caught child
// failure behaves as locally, and an uncaught one fails the execution with the local run's error.
// One worker is enough: an eager body waiting on a call lends its slot to the call's task.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { NodeExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { ISOLATED_ENV, ROOT, flyte, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

/** Runs the CLI without blocking the event loop (the server under test runs in this process's children). */
function flyteAsync(args: readonly string[]): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...ISOLATED_ENV } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe("eager workflows through flyte run --remote", () => {
  let dataDir: string;
  let server: ServerProcess;
  let admin: Client<typeof AdminService>;
  const remote = (...args: string[]): Promise<ProcessResult> => flyteAsync(["run", "--remote", ...args, "--endpoint", server.url]);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-eager-remote-"));
    server = await startServerProcess(dataDir, ["--workers", "1"]);
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("run --remote --wait --json prints the outputs the local run prints, a caught child failure included", async () => {
    for (const x of ["1", "5"]) {
      const local = flyte("run", "examples/composition/eager.ts", "smart", "--x", x, "--json");
      assert.equal(local.status, 0, local.stderr);
      const res = await remote("examples/composition/eager.ts", "smart", "--x", x, "--wait", "--json");
      assert.equal(res.status, 0, `${res.stderr}\nserver:\n${server.stderr()}`);
      assert.equal(res.stdout, local.stdout, `smart --x ${x}`);
    }
    assert.equal(flyte("run", "examples/composition/eager.ts", "smart", "--x", "5", "--json").stdout, '{"o0":-1}\n');
  });

  test("each awaited call is a child node of the eager node, the caught failure recorded FAILED", async () => {
    const started = await remote("examples/composition/eager.ts", "smart", "--x", "5", "--json");
    assert.equal(started.status, 0, started.stderr);
    const { name } = JSON.parse(started.stdout) as { name: string };
    const id = { project: "flytesnacks", domain: "development", name };
    let nodes: Array<[string | undefined, string]> = [];
    for (let i = 0; i < 150; i++) {
      const res = await admin.listNodeExecutions({ workflowExecutionId: id, uniqueParentId: "n0", limit: 100 });
      nodes = res.nodeExecutions.map((n) => [n.id?.nodeId, NodeExecution_Phase[n.closure?.phase ?? 0] ?? "?"]);
      if (nodes.length === 3 && nodes.every(([, phase]) => phase === "SUCCEEDED" || phase === "FAILED")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // add_one(5) = 6, double(6) = 12, fragile(12) fails and the body returns -1.
    assert.deepEqual(nodes, [["n0-e0", "SUCCEEDED"], ["n0-e1", "SUCCEEDED"], ["n0-e2", "FAILED"]]);
    const failed = await admin.getNodeExecution({ id: { executionId: id, nodeId: "n0-e2" } });
    const error = failed.closure?.outputResult.case === "error" ? failed.closure.outputResult.value.message : "";
    assert.match(error, /12 is too big/);
  });

  test("an uncaught child failure fails the execution with the error a local run reports", async () => {
    const local = flyte("run", "tests/testdata/eager-remote.ts", "strict", "--x", "20");
    assert.equal(local.status, 1);
    const cause = /eager 'strict': the call of task 'picky' \(node n0-e0\) failed: .*20 is too big/;
    assert.match(local.stderr, cause);
    const res = await remote("tests/testdata/eager-remote.ts", "strict", "--x", "20", "--wait");
    assert.equal(res.status, 1, res.stdout);
    assert.match(res.stderr, /FAILED: USER:E_EAGER_CALL_FAILED/);
    assert.match(res.stderr, cause);
  });
});
