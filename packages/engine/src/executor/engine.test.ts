import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionEvent } from "../runtime/events.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import { MemoryStore } from "../store/memory-store.ts";
import type { StateStore } from "../store/state-store.ts";
import { Engine } from "./engine.ts";
import type { ExecutionResult } from "./execution-result.ts";
import { arithmeticTasks } from "./testing/arithmetic-tasks.ts";
import { buildClosure, chainClosure, diamondClosure, fanOutClosure, ref } from "./testing/closures.ts";
import { FunctionRunner, sleep } from "./testing/function-runner.ts";
import { intMap, intsOf } from "./testing/literals.ts";

function outputsOf(result: ExecutionResult): Record<string, bigint> {
  assert.equal(result.phase, "SUCCEEDED", result.phase === "SUCCEEDED" ? "" : result.error.message);
  return intsOf(result.outputs);
}

describe("Engine runs task graphs", () => {
  test("a chain passes each output to the next node and returns the last one", async () => {
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks) });
    const result = await engine.execute({ executionId: "e1", closure: chainClosure(5), inputs: intMap({ x: 10 }) });
    assert.deepEqual(outputsOf(result), { o0: 15n });
  });

  test("a diamond joins both branches: (x+1)+1 plus (x+1)*2", async () => {
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks) });
    const result = await engine.execute({ executionId: "e1", closure: diamondClosure(), inputs: intMap({ x: 3 }) });
    assert.deepEqual(outputsOf(result), { o0: 5n + 8n });
  });

  test("a wide fan-out feeds a collection binding in declaration order", async () => {
    const runner = new FunctionRunner(arithmeticTasks);
    const engine = new Engine({ runner });
    const result = await engine.execute({ executionId: "e1", closure: fanOutClosure(200), inputs: intMap({ x: 1 }) });
    assert.deepEqual(outputsOf(result), { o0: 400n });
    assert.equal(runner.calls.length, 201);
  });

  test("workflow outputs may be constants and workflow inputs passed straight through", async () => {
    const closure = buildClosure({
      tasks: [{ name: "inc" }],
      nodes: [{ id: "n0", task: "inc", inputs: { x: 41 } }],
      outputs: { answer: ref("n0", "o0"), echoed: ref("start-node", "x"), fixed: 7 },
    });
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks) });
    const result = await engine.execute({ executionId: "e1", closure, inputs: intMap({ x: 5 }) });
    assert.deepEqual(outputsOf(result), { answer: 42n, echoed: 5n, fixed: 7n });
  });

  test("the runner receives the execution id, node id, attempt, task and inputs", async () => {
    const runner = new FunctionRunner(arithmeticTasks);
    await new Engine({ runner }).execute({ executionId: "ex-42", closure: chainClosure(1), inputs: intMap({ x: 1 }) });
    const call = runner.calls[0];
    assert.equal(call?.executionId, "ex-42");
    assert.equal(call?.nodeId, "n0");
    assert.equal(call?.attempt, 0);
    assert.equal(call?.task.id?.name, "inc");
    assert.deepEqual(intsOf(call.inputs), { x: 1n });
    assert.equal(call.signal.aborted, false);
  });

  test("a 10,000-node chain completes without overflowing the stack", async () => {
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks) });
    const result = await engine.execute({ executionId: "e1", closure: chainClosure(10_000), inputs: intMap({ x: 0 }) });
    assert.deepEqual(outputsOf(result), { o0: 10_000n });
  });

  test("a 10,000-node chain also completes when the runner answers with already-settled promises", async () => {
    const inc = (x: bigint): LiteralMap => intMap({ o0: x + 1n });
    const runner: TaskRunner = {
      run: (request) => Promise.resolve({ kind: "success", outputs: inc(intsOf(request.inputs)["x"] ?? 0n) }),
    };
    const engine = new Engine({ runner, maxParallelism: 1 });
    const result = await engine.execute({ executionId: "e1", closure: chainClosure(10_000), inputs: intMap({ x: 0 }) });
    assert.deepEqual(outputsOf(result), { o0: 10_000n });
  });

  test("the same execution id cannot run twice on one store", async () => {
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks), store: new MemoryStore() });
    await engine.execute({ executionId: "e1", closure: chainClosure(1), inputs: intMap({ x: 0 }) });
    await assert.rejects(engine.execute({ executionId: "e1", closure: chainClosure(1), inputs: intMap({ x: 0 }) }), {
      code: "E_EXECUTION_EXISTS",
    });
  });
});

describe("Engine runs independent nodes in parallel", () => {
  function overlapRunner(): { runner: FunctionRunner; maxConcurrent: () => number } {
    let running = 0;
    let max = 0;
    const slow = async (inputs: LiteralMap): Promise<LiteralMap> => {
      running++;
      max = Math.max(max, running);
      await sleep(20);
      running--;
      return intMap({ o0: (intsOf(inputs)["x"] ?? 0n) + 1n });
    };
    return { runner: new FunctionRunner({ ...arithmeticTasks, inc: slow }), maxConcurrent: () => max };
  }
  const twoIndependent = buildClosure({
    tasks: [{ name: "inc" }],
    nodes: [
      { id: "a", task: "inc", inputs: { x: ref("start-node", "x") } },
      { id: "b", task: "inc", inputs: { x: ref("start-node", "x") } },
    ],
    outputs: { a: ref("a", "o0"), b: ref("b", "o0") },
  });

  test("two independent nodes overlap in time", async () => {
    const { runner, maxConcurrent } = overlapRunner();
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: twoIndependent, inputs: intMap({ x: 1 }) });
    assert.deepEqual(outputsOf(result), { a: 2n, b: 2n });
    assert.equal(maxConcurrent(), 2);
  });

  test("maxParallelism 1 runs them one after the other", async () => {
    const { runner, maxConcurrent } = overlapRunner();
    const engine = new Engine({ runner, maxParallelism: 1 });
    const result = await engine.execute({ executionId: "e1", closure: twoIndependent, inputs: intMap({ x: 1 }) });
    assert.deepEqual(outputsOf(result), { a: 2n, b: 2n });
    assert.equal(maxConcurrent(), 1);
  });

  test("maxParallelism caps a wide fan-out at the limit", async () => {
    const { runner, maxConcurrent } = overlapRunner();
    const engine = new Engine({ runner, maxParallelism: 3 });
    const result = await engine.execute({ executionId: "e1", closure: fanOutClosure(10), inputs: intMap({ x: 0 }) });
    assert.deepEqual(outputsOf(result), { o0: 10n });
    assert.equal(maxConcurrent(), 3);
  });
});

describe("Engine records every phase change", () => {
  test("events arrive per level in phase order, and the store holds the same story", async () => {
    const events: ExecutionEvent[] = [];
    const store = new MemoryStore();
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks), store, events: { emit: (e) => events.push(e) } });
    await engine.execute({ executionId: "e1", closure: chainClosure(2), inputs: intMap({ x: 0 }) });

    const describe = (e: ExecutionEvent): string =>
      e.kind === "workflow" ? `wf:${e.phase}` : e.kind === "node" ? `${e.nodeId}:${e.phase}` : `${e.nodeId}#${e.attempt}:${e.phase}`;
    assert.deepEqual(events.map(describe), [
      "wf:QUEUED",
      "wf:RUNNING",
      "n0:QUEUED",
      "n0:RUNNING",
      "n0#0:RUNNING",
      "n0#0:SUCCEEDED",
      "n0:SUCCEEDED",
      "n1:QUEUED",
      "n1:RUNNING",
      "n1#0:RUNNING",
      "n1#0:SUCCEEDED",
      "n1:SUCCEEDED",
      "wf:SUCCEEDED",
    ]);
    const running = events.find((e) => e.kind === "node" && e.nodeId === "n1" && e.phase === "RUNNING");
    assert.ok(running?.kind === "node" && running.inputs !== undefined, "RUNNING carries the inputs");

    const execution = store.getExecution("e1");
    assert.equal(execution?.phase, "SUCCEEDED");
    assert.deepEqual(execution?.outputs === undefined ? undefined : intsOf(execution.outputs), { o0: 2n });
    assert.deepEqual(store.listNodeExecutions("e1").map((n) => [n.nodeId, n.phase, n.attempts]), [
      ["n0", "SUCCEEDED", 1],
      ["n1", "SUCCEEDED", 1],
    ]);
    assert.deepEqual(store.getNodeOutputs("e1", "n1") && intsOf(store.getNodeOutputs("e1", "n1")!), { o0: 2n });
  });

  test("event times come from the engine's clock", async () => {
    const events: ExecutionEvent[] = [];
    const clock = { now: () => 123, setTimer: () => () => undefined };
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks), clock, events: { emit: (e) => events.push(e) } });
    await engine.execute({ executionId: "e1", closure: chainClosure(1), inputs: intMap({ x: 0 }) });
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.occurredAt === 123));
  });

  test("a store that fails to record makes execute reject and aborts running attempts", async () => {
    const inner = new MemoryStore();
    const failing: StateStore = {
      ...asyncStore(inner),
      record: () => Promise.reject(new Error("disk full")),
    };
    let signal: AbortSignal | undefined;
    const runner = new FunctionRunner({
      inc: async (_inputs, request) => {
        signal = request.signal;
        await sleep(1000, request.signal);
        return intMap({ o0: 1 });
      },
    });
    const engine = new Engine({ runner, store: failing });
    await assert.rejects(engine.execute({ executionId: "e1", closure: chainClosure(1), inputs: intMap({ x: 0 }) }), /disk full/);
    assert.equal(signal?.aborted, true);
  });

  test("with an asynchronous store, the result arrives only after every event is stored", async () => {
    const inner = new MemoryStore();
    const engine = new Engine({ runner: new FunctionRunner(arithmeticTasks), store: asyncStore(inner) });
    const result = await engine.execute({ executionId: "e1", closure: diamondClosure(), inputs: intMap({ x: 1 }) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(inner.getExecution("e1")?.phase, "SUCCEEDED");
    assert.deepEqual(inner.listNodeExecutions("e1").map((n) => n.phase), ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
  });
});

/** A store answering with promises (settled a few ticks later), like a database would. */
function asyncStore(inner: MemoryStore): StateStore {
  const later = async <T>(value: () => T): Promise<T> => {
    await sleep(1);
    return value();
  };
  return {
    createExecution: (e) => later(() => inner.createExecution(e)),
    record: (events) => later(() => inner.record(events)),
    getExecution: (id) => later(() => inner.getExecution(id)),
    getNodeExecution: (id, node) => later(() => inner.getNodeExecution(id, node)),
    listNodeExecutions: (id) => later(() => inner.listNodeExecutions(id)),
    listTaskExecutions: (id, node) => later(() => inner.listTaskExecutions(id, node)),
    getNodeOutputs: (id, node) => later(() => inner.getNodeOutputs(id, node)),
  };
}

describe("Engine terminates on request", () => {
  test("aborting the request signal aborts running attempts and ends ABORTED", async () => {
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const events: ExecutionEvent[] = [];
    const runner = new FunctionRunner({
      inc: async (_inputs, request) => {
        attemptSignal = request.signal;
        setTimeout(() => controller.abort("user pressed stop"), 5);
        await sleep(10_000, request.signal);
        return intMap({ o0: 1 });
      },
    });
    const engine = new Engine({ runner, events: { emit: (e) => events.push(e) } });
    const result = await engine.execute({ executionId: "e1", closure: chainClosure(3), inputs: intMap({ x: 0 }), signal: controller.signal });
    assert.equal(result.phase, "ABORTED");
    assert.equal(result.phase === "ABORTED" && result.error.code, "USER:Aborted");
    assert.match(result.phase === "ABORTED" ? result.error.message : "", /user pressed stop/);
    assert.equal(attemptSignal?.aborted, true);
    assert.equal(runner.calls.length, 1, "nodes after the aborted one never run");
    const phases = events.filter((e) => e.kind !== "workflow" || e.phase !== "QUEUED").map((e) => `${e.kind}:${e.phase}`);
    assert.deepEqual(phases.slice(-3), ["task:ABORTED", "node:ABORTED", "workflow:ABORTED"]);
  });

  test("an already aborted signal ends the execution before any node runs", async () => {
    const runner = new FunctionRunner(arithmeticTasks);
    const result = await new Engine({ runner }).execute({
      executionId: "e1",
      closure: chainClosure(2),
      inputs: intMap({ x: 0 }),
      signal: AbortSignal.abort(),
    });
    assert.equal(result.phase, "ABORTED");
    assert.equal(runner.calls.length, 0);
  });
});

describe("Engine refuses closures it cannot run", () => {
  test("a node without a target fails the execution, naming the node", async () => {
    // Every node kind has a handler now (gates were the last), so a missing target is what remains.
    const closure = buildClosure({
      tasks: [{ name: "inc" }],
      nodes: [{ id: "n0", task: "inc", inputs: { x: 1 } }],
      rawNodes: [{ id: "g0", upstreamNodeIds: ["start-node"] }],
    });
    const runner = new FunctionRunner(arithmeticTasks);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    if (result.phase !== "FAILED") return;
    assert.equal(result.error.code, "SYSTEM:InvalidClosure");
    assert.equal(result.error.nodeId, "g0");
    assert.match(result.error.message, /"g0" has no target/);
    assert.equal(runner.calls.length, 0, "nothing runs when the closure cannot run as a whole");
  });

  test("a task node whose task is missing from the closure fails with the task's id", async () => {
    const closure = chainClosure(1);
    closure.tasks = [];
    const result = await new Engine({ runner: new FunctionRunner(arithmeticTasks) }).execute({ executionId: "e1", closure, inputs: intMap({ x: 1 }) });
    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.code, "SYSTEM:InvalidClosure");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /"p\/d\/inc@v1"/);
  });

  test("a dependency cycle fails the execution, naming the nodes on it", async () => {
    const closure = buildClosure({
      tasks: [{ name: "inc" }],
      nodes: [
        { id: "a", task: "inc", inputs: { x: ref("b", "o0") } },
        { id: "b", task: "inc", inputs: { x: ref("a", "o0") } },
      ],
    });
    const result = await new Engine({ runner: new FunctionRunner(arithmeticTasks) }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /cycle.*"a", "b"/);
  });
});
