// Eager tasks on the server, in process: a real server, fixtures registered through AdminService,
// and a test worker whose eager task sends its calls with RunEagerChild. Each call becomes a
// recorded child node `<node>-e<k>` listed under the eager node; a repeated call number joins the
// same child; only the worker holding the attempt's lease may call; and children left running
// when the attempt ends are aborted.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { DynamicJobSpecSchema, type DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import type { Assignment, RunEagerChildResponse, WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { startServer, type RunningServer } from "../server.ts";
import { durableExecutions } from "../executions/durable-executions.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../testing/fixtures.ts";
import { intLiteral, intMap, intsOf } from "../testing/literals.ts";
import { startTestWorker, type TestOutcome, type TestWorker } from "../testing/test-worker.ts";

const INT = { type: { case: "simple" as const, value: SimpleType.INTEGER } };
const X_TO_O0 = { inputs: { variables: { x: { type: INT } } }, outputs: { variables: { o0: { type: INT } } } };
const O0 = { outputs: { variables: { o0: { type: INT } } } };

/** A fixture task's template, as the SDK would put it in a call's spec. */
function template(name: string, eager = false): MessageInitShape<typeof TaskTemplateSchema> {
  return {
    id: idOf(ResourceType.TASK, name),
    type: "python-task",
    interface: X_TO_O0,
    metadata: eager ? { isEager: true } : {},
    target: { case: "container", value: { image: "node", args: ["flyte-execute", "--additional-distribution", `http://bundles/${name}.tgz`] } },
  };
}

/** The spec of one call `task(x)`: one node with a constant input, its output as the call's. */
function callSpec(task: string, x: bigint): DynamicJobSpec {
  const taskId: Identifier = idOf(ResourceType.TASK, task);
  const constant = intLiteral(x).value;
  if (constant.case !== "scalar") throw new Error("intLiteral is a scalar");
  return create(DynamicJobSpecSchema, {
    nodes: [{ id: "n0", metadata: { name: task }, inputs: [{ var: "x", binding: { value: { case: "scalar", value: constant.value } } }], target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId } } } }],
    tasks: [template(task)],
    outputs: [{ var: "o0", binding: { value: { case: "promise", value: { nodeId: "n0", var: "o0" } } } }],
  });
}

function o0Of(res: RunEagerChildResponse): bigint {
  if (res.outcome.case !== "outputs") assert.fail(`the call failed: ${res.outcome.case === "error" ? res.outcome.value.message : "no outcome"}`);
  return intsOf(res.outcome.value)["o0"] ?? assert.fail("no o0");
}

async function fails(promise: Promise<unknown>, code: Code): Promise<string> {
  const err = await promise.then(() => assert.fail(`expected ${Code[code]}`), (e: unknown) => ConnectError.from(e));
  assert.equal(err.code, code, `expected ${Code[code]}, got ${Code[err.code]}: ${err.rawMessage}`);
  return err.rawMessage;
}

describe("eager tasks on the server", () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: Client<typeof AdminService>;
  let worker: TestWorker;
  /** What the test's eager bodies saw, by execution name. */
  const notes = new Map<string, unknown>();

  /**
   * eager_chain(x): double(inc(x)), with a call of `boom` in between whose failure it catches.
   * eager_dup(x): sends call 0 twice at once; both must be the same child.
   * eager_leaky(x): starts a call of `slow` and returns without awaiting it.
   */
  const handlers = {
    async eager_chain(a: Assignment, client: Client<typeof WorkerService>, workerId: string): Promise<TestOutcome> {
      const call = (callIndex: number, task: string, x: bigint) => client.runEagerChild({ workerId, attemptId: a.attemptId, callIndex, spec: callSpec(task, x), interface: O0 });
      const x = intsOf(a.inputs)["x"] ?? 0n;
      const y = o0Of(await call(0, "inc", x));
      const failed = await call(1, "boom", y);
      notes.set(a.executionName, failed);
      const z = o0Of(await call(2, "double", y));
      return { case: "outputs", value: intMap({ o0: z }) };
    },
    async eager_dup(a: Assignment, client: Client<typeof WorkerService>, workerId: string): Promise<TestOutcome> {
      const call = () => client.runEagerChild({ workerId, attemptId: a.attemptId, callIndex: 0, spec: callSpec("inc", 1n), interface: O0 });
      const [first, second] = await Promise.all([call(), call()]);
      notes.set(a.executionName, [first.childId, second.childId]);
      return { case: "outputs", value: intMap({ o0: o0Of(first) + o0Of(second) }) };
    },
    async eager_leaky(a: Assignment, client: Client<typeof WorkerService>, workerId: string): Promise<TestOutcome> {
      const pending = client.runEagerChild({ workerId, attemptId: a.attemptId, callIndex: 0, spec: callSpec("slow", 1n), interface: O0 });
      notes.set(a.executionName, pending);
      // Give the child time to be leased by the worker, then end the attempt without awaiting it.
      for (let i = 0; i < 200 && !worker.seen.some((s) => s.executionName === a.executionName && s.nodeId === "n0-e0-n0"); i++) await new Promise((r) => setTimeout(r, 10));
      return { case: "outputs", value: intMap({ o0: 0 }) };
    },
  };

  const runTask = async (name: string, x: number): Promise<{ project: string; domain: string; name: string }> =>
    (await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.TASK, name) }, inputs: intMap({ x }) })).id!;
  const finished = async (id: { project: string; domain: string; name: string }): Promise<Execution> => {
    for (let i = 0; i < 500; i++) {
      const execution = await admin.getExecution({ id });
      const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
      if ([WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED, WorkflowExecution_Phase.ABORTED].includes(phase)) return execution;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`execution ${id.name} did not finish`);
  };
  const children = async (id: { project: string; domain: string; name: string }, parent: string) =>
    (await admin.listNodeExecutions({ workflowExecutionId: id, uniqueParentId: parent, limit: 100 })).nodeExecutions.map((n) => [n.id?.nodeId, NodeExecution_Phase[n.closure?.phase ?? 0]]);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-eager-dispatch-"));
    server = await startServer({ dataDir, port: 0, fsync: false, executions: durableExecutions({ expiryCheckMs: 50 }) });
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    for (const name of Object.keys(handlers)) await admin.createTask({ id: idOf(ResourceType.TASK, name), spec: { template: template(name, true) } });
    worker = startTestWorker(server.url, { id: "eager-worker", handlers });
  });

  after(async () => {
    await worker?.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("each call is a recorded child node listed under the eager node; a failed call answers its error", async () => {
    const id = await runTask("eager_chain", 4);
    const execution = await finished(id);
    const error = execution.closure?.outputResult.case === "error" ? execution.closure.outputResult.value.message : "";
    assert.equal(execution.closure?.phase, WorkflowExecution_Phase.SUCCEEDED, error);
    assert.deepEqual(execution.closure?.outputResult.case === "outputData" && intsOf(execution.closure.outputResult.value), { o0: 10n });
    const failed = notes.get(id.name) as RunEagerChildResponse;
    assert.equal(failed.childId, "e1");
    assert.equal(failed.outcome.case, "error");
    assert.match(failed.outcome.case === "error" ? failed.outcome.value.message : "", /boom on 5/);
    assert.deepEqual(await children(id, "n0"), [["n0-e0", "SUCCEEDED"], ["n0-e1", "FAILED"], ["n0-e2", "SUCCEEDED"]]);
    assert.deepEqual(await children(id, "n0-e0"), [["n0-e0-n0", "SUCCEEDED"]]);
    const data = await admin.getNodeExecutionData({ id: { executionId: id, nodeId: "n0-e2" } });
    assert.deepEqual(intsOf(data.fullOutputs), { o0: 10n });
    assert.deepEqual(worker.seen.filter((s) => s.executionName === id.name).map((s) => s.nodeId), ["n0", "n0-e0-n0", "n0-e1-n0", "n0-e2-n0"]);
  });

  test("a call repeated under the same number joins the same child instead of starting another", async () => {
    const id = await runTask("eager_dup", 0);
    assert.equal((await finished(id)).closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
    assert.deepEqual(notes.get(id.name), ["e0", "e0"]);
    assert.deepEqual(await children(id, "n0"), [["n0-e0", "SUCCEEDED"]]);
    assert.equal(worker.seen.filter((s) => s.executionName === id.name && s.nodeId === "n0-e0-n0").length, 1);
  });

  test("only the worker holding the attempt's lease may call: others, ended attempts and unknown ids get clear errors", async () => {
    const id = await runTask("eager_chain", 1);
    await finished(id);
    const attemptId = worker.seen.find((s) => s.executionName === id.name && s.nodeId === "n0")?.attemptId ?? assert.fail("no eager attempt");
    const call = (workerId: string, attempt: string) => worker.client.runEagerChild({ workerId, attemptId: attempt, callIndex: 9, spec: callSpec("inc", 1n), interface: O0 });
    assert.match(await fails(call("eager-worker", attemptId), Code.FailedPrecondition), /attempt 1 of node "n0" in execution ".+" \(attempt id \d+\) is completed, not running on worker "eager-worker"/);
    assert.match(await fails(call("intruder", attemptId), Code.FailedPrecondition), /only the current holder of an attempt's lease/);
    assert.match(await fails(call("eager-worker", "999999"), Code.NotFound), /attempt 999999 was never issued/);
    assert.match(await fails(call("eager-worker", "abc"), Code.InvalidArgument), /not an id this server issued/);
  });

  test("a child still running when the attempt ends is aborted, its worker told to stop, and its call answered", async () => {
    const id = await runTask("eager_leaky", 0);
    assert.equal((await finished(id)).closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
    const answer = await (notes.get(id.name) as Promise<RunEagerChildResponse>);
    assert.equal(answer.outcome.case, "error");
    assert.match(answer.outcome.case === "error" ? answer.outcome.value.message : "", /was aborted: the eager task's attempt ended without awaiting it/);
    assert.deepEqual(await children(id, "n0"), [["n0-e0", "ABORTED"]]);
    const slow = worker.seen.find((s) => s.executionName === id.name && s.nodeId === "n0-e0-n0")?.attemptId ?? assert.fail("the child never reached the worker");
    for (let i = 0; i < 200 && !worker.cancelled.includes(slow); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(worker.cancelled.includes(slow), "the child's attempt is cancelled on the worker's heartbeat");
  });
});
