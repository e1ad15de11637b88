// Creating an execution: its two rows (the server's spec row and the engine's) in one durable
// commit, and a taken id refused inside that commit. A real server (fsync on) and its parts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ExecutionCreateRequestSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { startServer, type RunningServer } from "../server.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../testing/fixtures.ts";
import { intMap, intsOf } from "../testing/literals.ts";
import { durableExecutions, type DurableExecutionsParts } from "./durable-executions.ts";
import { createExecution } from "./execution-rpcs.ts";

describe("startExecution", () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: Client<typeof AdminService>;
  let parts: DurableExecutionsParts | undefined;

  const request = (launchPlan: string, inputs: Record<string, number>, name = "") =>
    create(ExecutionCreateRequestSchema, { project: PROJECT, domain: DOMAIN, name, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, launchPlan) }, inputs: intMap(inputs) });
  const refused = (promise: Promise<unknown>): Promise<ConnectError> =>
    promise.then(() => assert.fail("expected ALREADY_EXISTS"), (e: unknown) => ConnectError.from(e));

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-start-execution-"));
    // No worker: executions stay RUNNING, so only the creations and their first events write.
    server = await startServer({ dataDir, port: 0, fsync: true, executions: durableExecutions({ onReady: (p) => (parts = p) }) });
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("CreateExecution commits the spec row and the engine's row together: one commit and one fsync before it answers", async () => {
    const context = parts?.context;
    assert.ok(context !== undefined);
    await admin.createExecution(request("chain", { x: 1 })); // the launch plan decoded once
    // Until that execution's own writes (its events, its attempt's enqueue) are over.
    let before = context.store.committer.stats;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await context.store.flush();
      const now = context.store.committer.stats;
      if (now.commits === before.commits && now.unsyncedCommits === before.unsyncedCommits && now.walSyncs === before.walSyncs) break;
      before = now;
    }
    // In process, so that the count stops at the answer (the engine's own events follow it).
    const { id } = await createExecution(context, request("chain", { x: 2 }));
    const after = context.store.committer.stats;
    assert.equal(after.commits - before.commits, 1, "one commit for both rows");
    assert.equal(after.walSyncs - before.walSyncs, 1, "one fsync");
    assert.ok(id !== undefined);
    const execution = await admin.getExecution({ id });
    assert.equal(execution.spec?.launchPlan?.name, "chain");
    assert.deepEqual(intsOf((await admin.getExecutionData({ id })).fullInputs), { x: 2n });
  });

  test("the workflow closure is stored once, in the spec row: the engine's row holds none and its record reads the spec row's", async () => {
    const context = parts?.context;
    assert.ok(context !== undefined);
    await admin.createExecution(request("chain", { x: 6 }, "once"));
    const executionId = `${PROJECT}:${DOMAIN}:once`;
    const length = (table: string): number =>
      (context.store.db.sqlite.prepare(`SELECT length(closure) AS n FROM ${table} WHERE execution_id = ?`).get(executionId) as { n: number }).n;
    assert.equal(length("executions"), 0, "the engine's row, rewritten at each phase, holds a second copy");
    assert.ok(length("execution_specs") > 0);
    const record = await context.store.getExecution(executionId);
    assert.deepEqual(record?.closure.primary?.template?.id?.name, context.specs.get(executionId)?.closure.primary?.template?.id?.name);
    assert.ok((record?.closure.primary?.template?.nodes.length ?? 0) > 0);
  });

  test("a taken name is refused with ALREADY_EXISTS, and the refused request leaves nothing behind", async () => {
    await admin.createExecution(request("chain", { x: 3 }, "taken"));
    const error = await refused(admin.createExecution(request("chain", { x: 4 }, "taken")));
    assert.equal(error.code, Code.AlreadyExists, error.rawMessage);
    const id = { project: PROJECT, domain: DOMAIN, name: "taken" };
    assert.deepEqual(intsOf((await admin.getExecutionData({ id })).fullInputs), { x: 3n }, "the first request's inputs");
  });

  test("the name of a child execution (which has no spec row) is refused too, inside the same commit", async () => {
    // Launch plan "parent" starts launch plan "chain" as child execution `<name>-n0` at once.
    await admin.createExecution(request("parent", { x: 1 }, "p1"));
    const child = { project: PROJECT, domain: DOMAIN, name: "p1-n0" };
    for (let i = 0; i < 500 && (await admin.getExecution({ id: child }).catch(() => undefined)) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const error = await refused(admin.createExecution(request("chain", { x: 5 }, "p1-n0")));
    assert.equal(error.code, Code.AlreadyExists, error.rawMessage);
    assert.equal(parts?.context.specs.get("flytesnacks:development:p1-n0"), undefined, "no spec row left by the refused request");
    // A child execution has no spec row: its own row keeps its closure.
    const childRecord = await parts?.context.store.getExecution("flytesnacks:development:p1-n0");
    assert.ok((childRecord?.closure.primary?.template?.nodes.length ?? 0) > 0);
  });
});
