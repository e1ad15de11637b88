import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryStore } from "../store/memory-store.ts";
import { Engine } from "./engine.ts";
import { arithmeticTasks } from "./testing/arithmetic-tasks.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FunctionRunner } from "./testing/function-runner.ts";
import { intMap, intsOf } from "./testing/literals.ts";

// n0 = x + 1; n1 = 2 * n0; n2 = n1 + 1
const chain = buildClosure({
  tasks: [{ name: "inc" }, { name: "double" }],
  nodes: [
    { id: "n0", task: "inc", inputs: { x: ref("start-node", "x") } },
    { id: "n1", task: "double", inputs: { x: ref("n0", "o0") } },
    { id: "n2", task: "inc", inputs: { x: ref("n1", "o0") } },
  ],
  outputs: { o0: ref("n2", "o0") },
});

/** Runs the chain until the first call of `double`, which never answers: a server that died mid-run. */
async function interrupted(store: MemoryStore): Promise<void> {
  let reached!: () => void;
  const stuck = new Promise<void>((resolve) => (reached = resolve));
  const runner = new FunctionRunner({
    ...arithmeticTasks,
    double: () => {
      reached();
      return new Promise(() => undefined);
    },
  });
  void new Engine({ runner, store }).execute({ executionId: "e1", closure: chain, inputs: intMap({ x: 1n }) });
  await stuck;
  await new Promise((resolve) => setImmediate(resolve));
}

describe("Engine resume and recover", () => {
  test("a resumed execution keeps the outputs of nodes that succeeded and runs the rest", async () => {
    const store = new MemoryStore();
    await interrupted(store);
    assert.equal(store.getNodeExecution("e1", "n0")?.phase, "SUCCEEDED");
    const runner = new FunctionRunner(arithmeticTasks);
    const result = await new Engine({ runner, store }).execute({ executionId: "e1", closure: chain, inputs: intMap({ x: 1n }), resume: true });
    assert.equal(result.phase, "SUCCEEDED");
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 5n });
    assert.deepEqual(runner.calls.map((c) => `${c.nodeId}#${c.attempt}`), ["n1#0", "n2#0"]);
    assert.equal(store.getExecution("e1")?.phase, "SUCCEEDED");
  });

  test("resuming an execution that already ended returns its recorded result without running anything", async () => {
    const store = new MemoryStore();
    await new Engine({ runner: new FunctionRunner(arithmeticTasks), store }).execute({ executionId: "e1", closure: chain, inputs: intMap({ x: 1n }) });
    const runner = new FunctionRunner(arithmeticTasks);
    const result = await new Engine({ runner, store }).execute({ executionId: "e1", closure: chain, inputs: intMap({ x: 1n }), resume: true });
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 5n });
    assert.equal(runner.calls.length, 0);
  });

  test("resume on an id the store does not know creates the execution", async () => {
    const store = new MemoryStore();
    const result = await new Engine({ runner: new FunctionRunner(arithmeticTasks), store }).execute({
      executionId: "fresh", closure: chain, inputs: intMap({ x: 2n }), resume: true,
    });
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 7n });
  });

  test("an execution the caller created in the store is started without being read or created again", async () => {
    const store = new MemoryStore();
    store.createExecution({ executionId: "made", closure: chain, inputs: intMap({ x: 2n }), createdAt: 1 });
    let recorded = false;
    const result = await new Engine({ runner: new FunctionRunner(arithmeticTasks), store }).execute({
      executionId: "made", closure: chain, inputs: intMap({ x: 2n }), created: true, onRecorded: () => (recorded = true),
    });
    assert.ok(recorded);
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 7n });
    assert.equal(store.getExecution("made")?.phase, "SUCCEEDED");
    assert.equal(store.getExecution("made")?.createdAt, 1, "the caller's row, not a new one");
  });

  test("a recovering execution records nodes that succeeded in the original as RECOVERED and reruns the others", async () => {
    const store = new MemoryStore();
    await interrupted(store);
    const runner = new FunctionRunner(arithmeticTasks);
    const result = await new Engine({ runner, store }).execute({ executionId: "e2", closure: chain, inputs: intMap({ x: 1n }), recoverFrom: "e1" });
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 5n });
    assert.deepEqual(runner.calls.map((c) => c.nodeId), ["n1", "n2"]);
    const n0 = store.getNodeExecution("e2", "n0");
    assert.equal(n0?.phase, "RECOVERED");
    assert.deepEqual(n0?.outputs && intsOf(n0.outputs), { o0: 2n });
  });
});
