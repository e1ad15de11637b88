import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WorkflowMetadata_OnFailurePolicy } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { ExecutionEvent } from "../runtime/events.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref, type WorkflowSpec } from "./testing/closures.ts";
import { FunctionRunner, sleep } from "./testing/function-runner.ts";
import { intMap } from "./testing/literals.ts";

/** start → (bad, slow); bad → after_bad; slow → after_slow. */
function spec(onFailure?: WorkflowMetadata_OnFailurePolicy): WorkflowSpec {
  return {
    tasks: [{ name: "boom" }, { name: "slow" }, { name: "ok" }],
    nodes: [
      { id: "bad", task: "boom" },
      { id: "slow", task: "slow" },
      { id: "after_bad", task: "ok", inputs: { x: ref("bad", "o0") } },
      { id: "after_slow", task: "ok", inputs: { x: ref("slow", "o0") } },
    ],
    ...(onFailure === undefined ? {} : { onFailure }),
  };
}

function runner(seen: { slowSignal?: AbortSignal; ran: string[] }) {
  return new FunctionRunner({
    boom: async () => {
      seen.ran.push("boom");
      await sleep(5);
      throw new Error("kaboom");
    },
    slow: async (_inputs, request) => {
      seen.ran.push("slow");
      seen.slowSignal = request.signal;
      await sleep(50, request.signal);
      return intMap({ o0: 1 });
    },
    ok: (_inputs, request) => {
      seen.ran.push(`ok:${request.nodeId}`);
      return intMap({ o0: 2 });
    },
  });
}

describe("Engine applies the workflow's failure policy", () => {
  test("FAIL_IMMEDIATELY fails on the first error, names node, task and cause, and aborts the rest", async () => {
    const seen: { slowSignal?: AbortSignal; ran: string[] } = { ran: [] };
    const store = new MemoryStore();
    const events: ExecutionEvent[] = [];
    const engine = new Engine({ runner: runner(seen), store, events: { emit: (e) => events.push(e) } });
    const result = await engine.execute({ executionId: "e1", closure: buildClosure(spec()), inputs: intMap({}) });

    assert.equal(result.phase, "FAILED");
    if (result.phase !== "FAILED") return;
    assert.equal(result.error.nodeId, "bad");
    assert.equal(result.error.taskName, "boom");
    assert.equal(result.error.code, "USER:Error");
    assert.match(result.error.message, /Node "bad" \(task "boom"\) failed: .*kaboom/);
    assert.equal(seen.slowSignal?.aborted, true, "the running sibling is aborted");
    assert.deepEqual(seen.ran.sort(), ["boom", "slow"], "downstream nodes never run");

    assert.equal(store.getNodeExecution("e1", "bad")?.phase, "FAILED");
    assert.equal(store.getNodeExecution("e1", "slow")?.phase, "ABORTED");
    assert.equal(store.getNodeExecution("e1", "after_slow"), undefined, "never-started nodes leave no record");
    assert.equal(store.getExecution("e1")?.phase, "FAILED");
    assert.deepEqual(store.getExecution("e1")?.error, result.error);
    const last = events.at(-1);
    assert.equal(last?.kind === "workflow" && last.phase, "FAILED");
  });

  test("FAIL_AFTER_EXECUTABLE_NODES_COMPLETE finishes what can still run, then fails", async () => {
    const seen: { slowSignal?: AbortSignal; ran: string[] } = { ran: [] };
    const store = new MemoryStore();
    const events: ExecutionEvent[] = [];
    const engine = new Engine({ runner: runner(seen), store, events: { emit: (e) => events.push(e) } });
    const closure = buildClosure(spec(WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE));
    const result = await engine.execute({ executionId: "e1", closure, inputs: intMap({}) });

    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.nodeId, "bad");
    assert.equal(store.getNodeExecution("e1", "slow")?.phase, "SUCCEEDED", "the sibling was not aborted");
    assert.deepEqual(seen.ran.sort(), ["boom", "ok:after_slow", "slow"]);
    assert.equal(store.getNodeExecution("e1", "after_slow")?.phase, "SUCCEEDED");
    assert.equal(store.getNodeExecution("e1", "after_bad"), undefined);
    const workflowPhases = events.filter((e) => e.kind === "workflow").map((e) => e.phase);
    assert.deepEqual(workflowPhases, ["QUEUED", "RUNNING", "FAILING", "FAILED"]);
  });

  test("a node whose inputs cannot be built fails with a binding error naming the input", async () => {
    const closure = buildClosure({
      tasks: [{ name: "ok" }],
      nodes: [
        { id: "a", task: "ok" },
        { id: "b", task: "ok", inputs: { x: ref("a", "missing") } },
      ],
    });
    const seen = { ran: [] as string[] };
    const result = await new Engine({ runner: runner(seen) }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    if (result.phase !== "FAILED") return;
    assert.equal(result.error.code, "SYSTEM:BindingResolution");
    assert.equal(result.error.nodeId, "b");
    assert.match(result.error.message, /input "x": node "a" has no output named "missing"; it produced outputs "o0"/);
  });
});
