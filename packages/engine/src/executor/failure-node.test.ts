import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { NodeSchema, WorkflowMetadata_OnFailurePolicy } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { ExecutionEvent } from "../runtime/events.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FunctionRunner } from "./testing/function-runner.ts";
import { intMap, intOf } from "./testing/literals.ts";

/** start → bad (fails when x < 0) → end; failure node fn0 runs `handler` on x (and err). */
function closureWithFailureNode(withErr: boolean, policy = WorkflowMetadata_OnFailurePolicy.FAIL_IMMEDIATELY): CompiledWorkflowClosure {
  const closure = buildClosure({
    tasks: [{ name: "check" }, { name: "handler" }],
    nodes: [{ id: "n0", task: "check", inputs: { x: ref("start-node", "x") } }],
    outputs: { o0: ref("n0", "o0") },
    onFailure: policy,
  });
  const template = closure.primary?.template;
  assert.ok(template);
  const handler = closure.tasks[1]?.template;
  assert.ok(handler?.id);
  if (withErr) {
    handler.interface = { inputs: { variables: { x: {}, err: { type: { type: { case: "simple", value: SimpleType.ERROR } } } } } } as never;
  }
  template.failureNode = create(NodeSchema, {
    id: "fn0",
    inputs: [
      { var: "x", binding: { value: { case: "promise", value: { nodeId: "start-node", var: "x" } } } },
      ...(withErr ? [{ var: "err", binding: { value: { case: "scalar" as const, value: { value: { case: "error" as const, value: {} } } } } }] : []),
    ],
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: handler.id } } },
  });
  return closure;
}

function runner(seen: LiteralMap[]) {
  return new FunctionRunner({
    check: (inputs) => {
      if (intOf(inputs.literals["x"]) < 0n) throw new Error("x must not be negative");
      return intMap({ o0: 1 });
    },
    handler: (inputs) => {
      seen.push(inputs);
      return intMap({});
    },
  });
}

describe("failure nodes", () => {
  test("a failing workflow runs its failure node with its inputs and the error, and still fails", async () => {
    const seen: LiteralMap[] = [];
    const store = new MemoryStore();
    const events: ExecutionEvent[] = [];
    const engine = new Engine({ runner: runner(seen), store, events: { emit: (e) => events.push(e) } });
    const result = await engine.execute({ executionId: "e1", closure: closureWithFailureNode(true), inputs: intMap({ x: -1 }) });

    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.nodeId, "n0");
    assert.equal(seen.length, 1);
    assert.equal(intOf(seen[0]?.literals["x"]), -1n);
    const err = seen[0]?.literals["err"]?.value;
    assert.equal(err?.case === "scalar" && err.value.value.case === "error" && err.value.value.value.failedNodeId, "n0");
    assert.match(err?.case === "scalar" && err.value.value.case === "error" ? err.value.value.value.message : "", /x must not be negative/);
    assert.equal(store.getNodeExecution("e1", "fn0")?.phase, "SUCCEEDED");
    const workflowPhases = events.filter((e) => e.kind === "workflow").map((e) => e.phase);
    assert.deepEqual(workflowPhases, ["QUEUED", "RUNNING", "FAILING", "FAILED"]);
    assert.ok(events.some((e) => e.kind === "task" && e.nodeId === "fn0" && e.phase === "SUCCEEDED"), "the failure node's attempt is recorded");
  });

  test("a succeeding workflow never runs its failure node", async () => {
    const seen: LiteralMap[] = [];
    const store = new MemoryStore();
    const result = await new Engine({ runner: runner(seen), store }).execute({ executionId: "e1", closure: closureWithFailureNode(false), inputs: intMap({ x: 1 }) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(seen.length, 0);
    assert.equal(store.getNodeExecution("e1", "fn0"), undefined);
  });

  test("under FAIL_AFTER_EXECUTABLE_NODES_COMPLETE the failure node runs once at the end", async () => {
    const seen: LiteralMap[] = [];
    const closure = closureWithFailureNode(false, WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE);
    const result = await new Engine({ runner: runner(seen) }).execute({ executionId: "e1", closure, inputs: intMap({ x: -5 }) });
    assert.equal(result.phase, "FAILED");
    assert.equal(seen.length, 1);
    assert.deepEqual(Object.keys(seen[0]?.literals ?? {}), ["x"]);
  });

  test("a failure node that fails itself leaves the original error as the result", async () => {
    const closure = closureWithFailureNode(false);
    const failing = new FunctionRunner({
      check: () => {
        throw new Error("original");
      },
      handler: () => {
        throw new Error("cleanup broke");
      },
    });
    const store = new MemoryStore();
    const result = await new Engine({ runner: failing, store }).execute({ executionId: "e1", closure, inputs: intMap({ x: 1 }) });
    assert.match(result.phase === "FAILED" ? result.error.message : "", /original/);
    assert.equal(store.getNodeExecution("e1", "fn0")?.phase, "FAILED");
  });
});
