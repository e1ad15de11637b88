import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BindingDataSchema, type BindingData, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { Engine } from "../engine.ts";
import { buildClosure, ref } from "../testing/closures.ts";
import { FunctionRunner, sleep, TaskFailureError } from "../testing/function-runner.ts";
import { intLiteral, intMap, intOf } from "../testing/literals.ts";
import type { TaskRunRequest, TaskRunResult, TaskRunner } from "../../runtime/task-runner.ts";

function ints(values: readonly number[]): BindingData {
  const bindings = values.map((v) => {
    const literal = intLiteral(v);
    assert.equal(literal.value.case, "scalar");
    return create(BindingDataSchema, { value: { case: "scalar", value: literal.value.value } });
  });
  return create(BindingDataSchema, { value: { case: "collection", value: { bindings } } });
}

/** A workflow with one array node a0 over task `task`, mapping input x. */
function arrayClosure(values: readonly number[], options: { parallelism?: number; minSuccessRatio?: number; task?: string } = {}) {
  const task = options.task ?? "inc";
  return buildClosure({
    tasks: [{ name: task }],
    nodes: [],
    outputs: { o0: ref("a0", "o0") },
    rawNodes: [
      {
        id: "a0",
        upstreamNodeIds: ["start-node"],
        inputs: [{ var: "x", binding: ints(values) }],
        target: {
          case: "arrayNode",
          value: {
            node: {
              id: "a0",
              inputs: [{ var: "x", binding: ints(values) }],
              target: { case: "taskNode", value: { reference: { case: "referenceId", value: { resourceType: ResourceType.TASK, project: "p", domain: "d", name: task, version: "v1" } } } },
            },
            parallelismOption: { case: "parallelism", value: options.parallelism ?? 0 },
            successCriteria: { case: "minSuccessRatio", value: options.minSuccessRatio ?? 1 },
          },
        },
      },
    ],
  });
}

const listOf = (outputs: LiteralMap): (bigint | null)[] => {
  const v = outputs.literals["o0"]?.value;
  assert.equal(v?.case, "collection");
  return v.value.literals.map((l) => (l.value.case === "scalar" && l.value.value.value.case === "noneType" ? null : intOf(l)));
};

describe("array nodes", () => {
  test("run the inner task once per item and collect the outputs in item order", async () => {
    const result = await new Engine({ runner: new FunctionRunner({ inc: (i) => intMap({ o0: intOf(i.literals["x"]) + 1n }) }) }).execute({
      executionId: "e1",
      closure: arrayClosure([5, 6, 7]),
      inputs: intMap({}),
    });
    assert.equal(result.phase, "SUCCEEDED");
    if (result.phase === "SUCCEEDED") assert.deepEqual(listOf(result.outputs), [6n, 7n, 8n]);
  });

  test("never run more items at once than the parallelism, and name items <node>-<i>", async () => {
    let running = 0;
    let peak = 0;
    const runner = new FunctionRunner({
      inc: async (i) => {
        peak = Math.max(peak, ++running);
        await sleep(1);
        running--;
        return intMap({ o0: intOf(i.literals["x"]) });
      },
    });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure([1, 2, 3, 4, 5, 6], { parallelism: 2 }), inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(peak, 2);
    assert.deepEqual(runner.calls.map((c) => c.nodeId), ["a0-0", "a0-1", "a0-2", "a0-3", "a0-4", "a0-5"]);
  });

  test("fill failed items with none when the success ratio allows, and fail naming them when it does not", async () => {
    const failOdd = new FunctionRunner({
      inc: (i) => {
        const x = intOf(i.literals["x"]);
        if (x % 2n === 1n) throw new TaskFailureError({ code: "USER:Odd", message: `odd ${x}`, kind: "USER", recoverable: false });
        return intMap({ o0: x });
      },
    });
    const lenient = await new Engine({ runner: failOdd }).execute({ executionId: "e1", closure: arrayClosure([1, 2, 4], { minSuccessRatio: 0.5 }), inputs: intMap({}) });
    assert.equal(lenient.phase, "SUCCEEDED");
    if (lenient.phase === "SUCCEEDED") assert.deepEqual(listOf(lenient.outputs), [null, 2n, 4n]);

    const strict = await new Engine({ runner: failOdd }).execute({ executionId: "e2", closure: arrayClosure([2, 1, 3, 4], { minSuccessRatio: 0.75 }), inputs: intMap({}) });
    assert.equal(strict.phase, "FAILED");
    if (strict.phase !== "FAILED") return;
    assert.equal(strict.error.code, "USER:ArrayNodeFailed");
    assert.match(strict.error.message, /2 of 4 items failed \(items 1, 2\); at least 3 had to succeed/);
    assert.match(strict.error.message, /odd 1/);
  });

  test("stream items: a long map keeps no more than the window in flight", async () => {
    let running = 0;
    let peak = 0;
    const runner: TaskRunner = {
      run(request: TaskRunRequest): Promise<TaskRunResult> {
        peak = Math.max(peak, ++running);
        return Promise.resolve().then(() => {
          running--;
          return { kind: "success", outputs: intMap({ o0: intOf(request.inputs.literals["x"]) }) };
        });
      },
    };
    const values = Array.from({ length: 5000 }, (_, i) => i);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure(values, { parallelism: 7 }), inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(peak, 7);
  });
});
