// The execution RPCs end to end, in process: a real server (startServer, Connect over HTTP/1.1),
// fixtures registered through AdminService, and a worker on the generated WorkerService client.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ExecutionMetadata_ExecutionMode, type Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { CatalogCacheStatus } from "@flyte/idl/gen/flyteidl/core/catalog_pb.js";
import { NodeExecution_Phase, TaskExecution_Phase, WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { startServer, type RunningServer } from "../server.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../testing/fixtures.ts";
import { intLiteral, intMap, intsOf } from "../testing/literals.ts";
import { startTestWorker, type TestWorker } from "../testing/test-worker.ts";
import { durableExecutions, type DurableExecutionsParts } from "./durable-executions.ts";

async function fails(promise: Promise<unknown>, code: Code): Promise<string> {
  const err = await promise.then(() => assert.fail(`expected ${Code[code]}`), (e: unknown) => ConnectError.from(e));
  assert.equal(err.code, code, `expected ${Code[code]}, got ${Code[err.code]}: ${err.rawMessage}`);
  return err.rawMessage;
}

describe("execution RPCs", () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: Client<typeof AdminService>;
  let signals: Client<typeof SignalService>;
  let worker: TestWorker;

  const lp = (name: string) => idOf(ResourceType.LAUNCH_PLAN, name);
  const run = async (name: string, inputs: Record<string, number>, extra: { name?: string } = {}) => {
    const res = await admin.createExecution({ project: PROJECT, domain: DOMAIN, name: extra.name ?? "", spec: { launchPlan: lp(name) }, inputs: intMap(inputs) });
    return res.id!;
  };
  const finished = async (id: { project: string; domain: string; name: string }): Promise<Execution> => {
    for (let i = 0; i < 500; i++) {
      const execution = await admin.getExecution({ id });
      const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
      if ([WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED, WorkflowExecution_Phase.ABORTED, WorkflowExecution_Phase.TIMED_OUT].includes(phase)) return execution;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`execution ${id.name} did not finish`);
  };
  const outputsOf = (execution: Execution) =>
    execution.closure?.outputResult.case === "outputData" ? intsOf(execution.closure.outputResult.value) : undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-executions-"));
    server = await startServer({ dataDir, port: 0, fsync: false, executions: durableExecutions({ expiryCheckMs: 50 }) });
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
    admin = createClient(AdminService, transport);
    signals = createClient(SignalService, transport);
    await registerFixtures(admin);
    worker = startTestWorker(server.url);
  });

  after(async () => {
    await worker?.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a launch plan runs on a worker and GetExecution shows SUCCEEDED with the outputs", async () => {
    const id = await run("chain", { x: 1 });
    assert.match(id.name, /^a[bcdfghjklmnpqrstvwxz2456789]{19}$/);
    const execution = await finished(id);
    assert.equal(execution.closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
    assert.deepEqual(outputsOf(execution), { o0: 5n });
    assert.equal(execution.spec?.launchPlan?.name, "chain");
    assert.equal(execution.spec?.metadata?.mode, ExecutionMetadata_ExecutionMode.MANUAL);
    const data = await admin.getExecutionData({ id });
    assert.deepEqual(intsOf(data.fullInputs), { x: 1n });
    assert.deepEqual(intsOf(data.fullOutputs), { o0: 5n });
  });

  test("node and task executions are listed with phases, outputs and a log link that serves the task's output", async () => {
    const id = await run("chain", { x: 2 });
    await finished(id);
    const nodes = await admin.listNodeExecutions({ workflowExecutionId: id });
    assert.deepEqual(nodes.nodeExecutions.map((n) => [n.id?.nodeId, n.closure?.phase]), [
      ["n0", NodeExecution_Phase.SUCCEEDED], ["n1", NodeExecution_Phase.SUCCEEDED], ["n2", NodeExecution_Phase.SUCCEEDED],
    ]);
    const n1 = await admin.getNodeExecution({ id: { executionId: id, nodeId: "n1" } });
    assert.equal(n1.closure?.outputResult.case, "outputData");
    const data = await admin.getNodeExecutionData({ id: { executionId: id, nodeId: "n1" } });
    assert.deepEqual(intsOf(data.fullInputs), { x: 3n });
    assert.deepEqual(intsOf(data.fullOutputs), { o0: 6n });
    const tasks = await admin.listTaskExecutions({ nodeExecutionId: { executionId: id, nodeId: "n1" } });
    assert.equal(tasks.taskExecutions.length, 1);
    const attempt = tasks.taskExecutions[0]!;
    assert.equal(attempt.closure?.phase, TaskExecution_Phase.SUCCEEDED);
    assert.equal(attempt.id?.taskId?.name, "double");
    const got = await admin.getTaskExecution({ id: attempt.id });
    const logUri = got.closure?.logs[0]?.uri ?? "";
    assert.match(logUri, /\/logs\/flytesnacks\/development\/.+\/n1\/0$/);
    let text = "";
    for (let i = 0; i < 100 && !text.startsWith("ran"); i++) {
      const res = await fetch(logUri);
      text = res.status === 200 ? await res.text() : "";
      if (text === "") await new Promise((r) => setTimeout(r, 10));
    }
    assert.match(text, /ran double on \{"x":"3"\}/);
    const taskData = await admin.getTaskExecutionData({ id: attempt.id });
    assert.deepEqual(intsOf(taskData.fullOutputs), { o0: 6n });
  });

  test("an execution is readable as soon as CreateExecution answers", async () => {
    // A burst of creates, each read back at once: without waiting for the record, the read raced
    // the engine's first write and was NOT_FOUND.
    const ids = await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("chain") }, inputs: intMap({ x: 1 }) });
      const id = res.id as NonNullable<typeof res.id>;
      const read = await admin.getExecution({ id });
      assert.equal(read.id?.name, id.name);
      return id;
    }));
    for (const id of ids) await finished(id);
  });

  test("an unknown launch plan is NOT_FOUND naming it", async () => {
    const message = await fails(admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("nope") }, inputs: intMap({}) }), Code.NotFound);
    assert.match(message, /launch plan 'flytesnacks\/development\/nope@v1' is not registered/);
  });

  test("unknown, missing, mistyped and fixed inputs are INVALID_ARGUMENT with one line each", async () => {
    const stringX = create(LiteralMapSchema, {
      literals: { x: create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "one" } } } } } }) },
    });
    let message = await fails(admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("chain") }, inputs: stringX }), Code.InvalidArgument);
    assert.match(message, /invalid input 'x': expected INTEGER, got STRING/i);
    message = await fails(admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("chain") }, inputs: intMap({ x: 1, z: 2 }) }), Code.InvalidArgument);
    assert.match(message, /invalid input 'z': the launch plan .* has no such input \(its inputs: x\)/);
    message = await fails(admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("chain") }, inputs: intMap({}) }), Code.InvalidArgument);
    assert.match(message, /missing required input 'x'/);
    message = await fails(admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lp("add_fixed") }, inputs: intMap({ y: 1 }) }), Code.InvalidArgument);
    assert.match(message, /input 'y' is fixed by the launch plan/);
  });

  test("defaults, given and fixed inputs are merged", async () => {
    assert.deepEqual(outputsOf(await finished(await run("add_fixed", {}))), { o0: 110n });
    assert.deepEqual(outputsOf(await finished(await run("add_fixed", { x: 1 }))), { o0: 101n });
  });

  test("a user-chosen name is used, a duplicate is ALREADY_EXISTS and a malformed one INVALID_ARGUMENT", async () => {
    const id = await run("chain", { x: 1 }, { name: "my-run-1" });
    assert.equal(id.name, "my-run-1");
    assert.match(await fails(run("chain", { x: 1 }, { name: "my-run-1" }), Code.AlreadyExists), /already exists/);
    assert.match(await fails(run("chain", { x: 1 }, { name: "My_Run" }), Code.InvalidArgument), /does not match regex/);
    await finished(id);
  });

  test("a task runs on its own as a single-task execution", async () => {
    const res = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.TASK, "add") }, inputs: intMap({ x: 4, y: 5 }) });
    const execution = await finished(res.id!);
    assert.deepEqual(outputsOf(execution), { o0: 9n });
    assert.equal(execution.closure?.workflowId?.name, ".flytegen.add");
  });

  test("a failing task fails the execution with its error, and recover reuses the nodes that succeeded", async () => {
    const id = await run("failing", { x: 1 });
    const execution = await finished(id);
    assert.equal(execution.closure?.phase, WorkflowExecution_Phase.FAILED);
    assert.equal(execution.closure?.outputResult.case, "error");
    const error = execution.closure?.outputResult.case === "error" ? execution.closure.outputResult.value : undefined;
    assert.equal(error?.code, "USER:Error");
    assert.match(error?.message ?? "", /boom on 2/);
    const incRunsBefore = worker.seen.filter((a) => a.executionName === id.name && a.nodeId === "n0").length;
    assert.equal(incRunsBefore, 1);

    const recovered = (await admin.recoverExecution({ id })).id!;
    const again = await finished(recovered);
    assert.equal(again.spec?.metadata?.mode, ExecutionMetadata_ExecutionMode.RECOVERED);
    const nodes = await admin.listNodeExecutions({ workflowExecutionId: recovered });
    assert.equal(nodes.nodeExecutions.find((n) => n.id?.nodeId === "n0")?.closure?.phase, NodeExecution_Phase.RECOVERED);
    assert.equal(worker.seen.filter((a) => a.executionName === recovered.name && a.nodeId === "n0").length, 0, "n0 must not run again");
    assert.equal(worker.seen.filter((a) => a.executionName === recovered.name && a.nodeId === "n1").length, 1);
  });

  test("relaunch starts a new execution with the same inputs, mode RELAUNCH", async () => {
    const id = await run("chain", { x: 3 });
    await finished(id);
    const relaunched = (await admin.relaunchExecution({ id, name: "relaunched-chain" })).id!;
    assert.equal(relaunched.name, "relaunched-chain");
    const execution = await finished(relaunched);
    assert.deepEqual(outputsOf(execution), { o0: 9n });
    assert.equal(execution.spec?.metadata?.mode, ExecutionMetadata_ExecutionMode.RELAUNCH);
    assert.equal(execution.spec?.metadata?.referenceExecution?.name, id.name);
  });

  test("terminate aborts a running execution, the worker is told on its heartbeat, and a second terminate is refused", async () => {
    const id = await run("slow_wf", { x: 1 });
    for (let i = 0; i < 200 && !worker.seen.some((a) => a.executionName === id.name); i++) await new Promise((r) => setTimeout(r, 10));
    await admin.terminateExecution({ id, cause: "no longer needed" });
    const execution = await admin.getExecution({ id });
    assert.equal(execution.closure?.phase, WorkflowExecution_Phase.ABORTED);
    assert.equal(execution.closure?.outputResult.case === "abortMetadata" && execution.closure.outputResult.value.cause, "no longer needed");
    const attemptId = worker.seen.find((a) => a.executionName === id.name)?.attemptId;
    for (let i = 0; i < 200 && !worker.cancelled.includes(attemptId ?? ""); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(worker.cancelled.includes(attemptId ?? ""), "the heartbeat reports the attempt cancelled");
    assert.match(await fails(admin.terminateExecution({ id }), Code.FailedPrecondition), /already terminated/);
  });

  test("a gate waits until SetSignal gives its value", async () => {
    const id = await run("gated", { x: 1 });
    let listed = await signals.listSignals({ workflowExecutionId: id });
    for (let i = 0; i < 200 && listed.signals.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      listed = await signals.listSignals({ workflowExecutionId: id });
    }
    assert.equal(listed.signals[0]?.id?.signalId, "bump");
    assert.equal((await admin.getExecution({ id })).closure?.phase, WorkflowExecution_Phase.RUNNING);
    await signals.setSignal({ id: { signalId: "bump", executionId: id }, value: intLiteral(41) });
    assert.deepEqual(outputsOf(await finished(id)), { o0: 42n });
    assert.match(await fails(signals.setSignal({ id: { signalId: "bump", executionId: id }, value: intLiteral(1) }), Code.AlreadyExists), /already set/);
  });

  test("a cached task hits across executions", async () => {
    const first = await finished(await run("cached", { x: 7 }));
    const secondId = await run("cached", { x: 7 });
    const second = await finished(secondId);
    assert.deepEqual(outputsOf(first), { o0: 8n });
    assert.deepEqual(outputsOf(second), { o0: 8n });
    const node = await admin.getNodeExecution({ id: { executionId: secondId, nodeId: "n0" } });
    assert.equal(node.closure?.targetMetadata.case === "taskNodeMetadata" && node.closure.targetMetadata.value.cacheStatus, CatalogCacheStatus.CACHE_HIT);
    assert.equal(worker.seen.filter((a) => a.executionName === secondId.name).length, 0);
  });

  test("a launch-plan node runs as a child execution listed with mode CHILD_WORKFLOW", async () => {
    const id = await run("parent", { x: 1 });
    assert.deepEqual(outputsOf(await finished(id)), { o0: 6n });
    const child = await admin.getExecution({ id: { ...id, name: `${id.name}-n0` } });
    assert.equal(child.closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
    assert.equal(child.spec?.metadata?.mode, ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW);
    assert.equal(child.spec?.launchPlan?.name, "chain");
    assert.equal(child.spec?.metadata?.parentNodeExecution?.nodeId, "n0");
    const n0 = await admin.getNodeExecution({ id: { executionId: id, nodeId: "n0" } });
    assert.equal(n0.closure?.targetMetadata.case === "workflowNodeMetadata" && n0.closure.targetMetadata.value.executionId?.name, `${id.name}-n0`);
    const list = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 1000 });
    assert.ok(list.executions.some((e) => e.id?.name === `${id.name}-n0`));
  });

  test("ListExecutions pages newest first and filters by phase", async () => {
    const page1 = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 2 });
    assert.equal(page1.executions.length, 2);
    assert.notEqual(page1.token, "");
    const page2 = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 2, token: page1.token });
    assert.notEqual(page2.executions[0]?.id?.name, page1.executions[0]?.id?.name);
    const failed = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, filters: "eq(phase,FAILED)" });
    assert.ok(failed.executions.length >= 1);
    assert.ok(failed.executions.every((e) => e.closure?.phase === WorkflowExecution_Phase.FAILED));
    assert.match(await fails(admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, filters: "eq(name,x)" }), Code.InvalidArgument), /supports the filters/);
  });

  test("ListExecutions filters by workflow, launch plan and mode as WatchExecutions does, paging the matches", async () => {
    const scope = { project: PROJECT, domain: DOMAIN };
    const mine = [await run("chain", { x: 1 }), await run("chain", { x: 2 }), await run("parent", { x: 1 })];
    await Promise.all(mine.map(finished));
    const names = (list: { executions: Execution[] }) => list.executions.map((e) => e.id?.name ?? "");
    const byPlan = await admin.listExecutions({ id: scope, filters: "eq(launch_plan.name,chain)", limit: 1000 });
    assert.ok(byPlan.executions.every((e) => e.spec?.launchPlan?.name === "chain"));
    assert.ok(names(byPlan).includes(mine[0]!.name) && names(byPlan).includes(mine[1]!.name) && !names(byPlan).includes(mine[2]!.name));
    const first = await admin.listExecutions({ id: scope, filters: "eq(launch_plan.name,chain)", limit: 1 });
    assert.notEqual(first.token, "");
    const second = await admin.listExecutions({ id: scope, filters: "eq(launch_plan.name,chain)", limit: 1, token: first.token });
    assert.deepEqual([...names(first), ...names(second)], names(byPlan).slice(0, 2), "pages follow each other");
    const byWorkflow = await admin.listExecutions({ id: scope, filters: "eq(workflow.name,parent)", limit: 1000 });
    assert.ok(names(byWorkflow).includes(mine[2]!.name) && byWorkflow.executions.every((e) => e.closure?.workflowId?.name === "parent"));
    const children = await admin.listExecutions({ id: scope, filters: "eq(mode,CHILD_WORKFLOW)", limit: 1000 });
    assert.ok(names(children).includes(`${mine[2]!.name}-n0`), "the parent's child execution");
    assert.ok(children.executions.every((e) => e.spec?.metadata?.mode === ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW));
    assert.match(await fails(admin.listExecutions({ id: scope, filters: "eq(mode,HOURLY)" }), Code.InvalidArgument), /ListExecutions: filter 'eq\(mode,HOURLY\)' names no execution mode/);
  });
});

describe("dispatch failures and schedules", () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: Client<typeof AdminService>;
  let clock = Date.UTC(2030, 0, 1, 0, 0, 30);
  let parts: DurableExecutionsParts | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-dispatch-"));
    server = await startServer({
      dataDir, port: 0, fsync: false,
      executions: durableExecutions({ expiryCheckMs: 20, schedulerTickMs: 0, now: () => clock, onReady: (p) => (parts = p) }),
    });
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("an attempt whose worker stops heartbeating fails as SYSTEM:LeaseExpired and is retried on another worker", async () => {
    const id = (await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "slow_wf") }, inputs: intMap({ x: 3 }) })).id!;
    const dead = startTestWorker(server.url, { id: "dead", completeSlow: false, leaseMs: 100 });
    for (let i = 0; i < 200 && dead.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await dead.stop();
    const good = startTestWorker(server.url, { id: "good" });
    try {
      for (let i = 0; i < 300 && good.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(good.seen[0]?.retryAttempt, 1);
      good.release();
      let execution = await admin.getExecution({ id });
      for (let i = 0; i < 300 && execution.closure?.phase !== WorkflowExecution_Phase.SUCCEEDED; i++) {
        await new Promise((r) => setTimeout(r, 10));
        execution = await admin.getExecution({ id });
      }
      assert.equal(execution.closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
      const attempts = await admin.listTaskExecutions({ nodeExecutionId: { executionId: id, nodeId: "n0" } });
      assert.deepEqual(attempts.taskExecutions.map((t) => t.closure?.phase), [TaskExecution_Phase.RETRYABLE_FAILED, TaskExecution_Phase.SUCCEEDED]);
      const first = attempts.taskExecutions[0]?.closure?.outputResult;
      assert.equal(first?.case === "error" && first.value.code, "SYSTEM:LeaseExpired");
    } finally {
      await good.stop();
    }
  });

  test("a fixed-rate schedule fires once per period with the kickoff time, never twice for one time", async () => {
    const scheduler = parts!.scheduler;
    const dt = { type: { case: "simple" as const, value: 5 /* DATETIME */ } };
    await admin.createWorkflow({
      id: idOf(ResourceType.WORKFLOW, "kicked"),
      spec: {
        template: {
          id: idOf(ResourceType.WORKFLOW, "kicked"),
          interface: { inputs: { variables: { t: { type: dt }, x: { type: { type: { case: "simple", value: 1 } } } } }, outputs: { variables: {} } },
          nodes: [{
            id: "n0",
            inputs: [{ var: "x", binding: { value: { case: "promise", value: { nodeId: "start-node", var: "x" } } } }],
            target: { case: "taskNode", value: { reference: { case: "referenceId", value: idOf(ResourceType.TASK, "inc") } } },
          }],
          outputs: [],
        },
      },
    });
    await admin.createLaunchPlan({
      id: idOf(ResourceType.LAUNCH_PLAN, "kicked"),
      spec: {
        workflowId: idOf(ResourceType.WORKFLOW, "kicked"),
        defaultInputs: { parameters: { x: { var: { type: { type: { case: "simple", value: 1 } } }, behavior: { case: "default", value: intLiteral(1) } } } },
        entityMetadata: { schedule: { kickoffTimeInputArg: "t", ScheduleExpression: { case: "rate", value: { value: 1, unit: 0 } } } },
      },
    });
    assert.equal(await scheduler.tick(), 0, "an inactive launch plan's schedule does not run");
    await admin.updateLaunchPlan({ id: idOf(ResourceType.LAUNCH_PLAN, "kicked"), state: 1 });
    assert.equal(await scheduler.tick(), 0, "the first fire is one period after activation");
    clock += 61_000;
    assert.equal(await scheduler.tick(), 1);
    assert.equal(await scheduler.tick(), 0);
    clock += 120_000;
    assert.equal(await scheduler.tick(), 2, "missed times are caught up");
    const list = await admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 100 });
    const scheduled = list.executions.filter((e) => e.spec?.metadata?.mode === ExecutionMetadata_ExecutionMode.SCHEDULED);
    assert.equal(scheduled.length, 3);
    const data = await admin.getExecutionData({ id: scheduled.at(-1)!.id });
    const t = data.fullInputs?.literals["t"]?.value;
    const kickoff = t?.case === "scalar" && t.value.value.case === "primitive" && t.value.value.value.value.case === "datetime" ? t.value.value.value.value.value : undefined;
    assert.equal(Number(kickoff?.seconds) * 1000, Date.UTC(2030, 0, 1, 0, 1, 30));
  });
});
