/**
 * The engine runs workflows as flytekit (Python) writes them once Flyte's compiler has seen them:
 * promises with an empty node id, unbound Optional inputs, and branch nodes whose inner nodes
 * depend on nodes the branch node itself does not depend on. Closures come from the real compiler.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clone, create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, type CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { ComparisonExpression_Operator } from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BranchNodeSchema, IfBlockSchema, IfElseBlockSchema, NodeSchema, type Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { compileWorkflow } from "../compiler/compile.ts";
import { formatDiagnostics } from "../compiler/diagnostics.ts";
import { INT, NONE, bind, intLit, promise, task, taskNode, union, workflow } from "../compiler/test-fixtures.ts";
import { Engine } from "./engine.ts";
import { FunctionRunner, sleep } from "./testing/function-runner.ts";
import { intMap, intOf, intsOf } from "./testing/literals.ts";
import type { ExecutionResult } from "./execution-result.ts";

const TASKS = [task("inc", { x: INT }, { o0: INT }), task("cleanup", { x: INT, err: union(INT, NONE) }, { o0: INT })];

function closureOf(nodes: Node[], outputs: Record<string, ReturnType<typeof promise>>): CompiledWorkflowClosure {
  const result = compileWorkflow({ primary: workflow("wf", { inputs: { a: INT }, outputs: { out: INT }, nodes, bindings: outputs }), tasks: TASKS });
  if (!result.ok) assert.fail(formatDiagnostics(result.diagnostics));
  return result.closure;
}

function outputs(result: ExecutionResult): Record<string, bigint> {
  if (result.phase !== "SUCCEEDED") assert.fail(`${result.phase}: ${result.error.message}`);
  return intsOf(result.outputs);
}

/** `if c == 1 then thenNode else elseNode`, with `c` bound to a constant (no dependency). */
function branchOnConstant(id: string, thenNode: Node, elseNode: Node): Node {
  return create(NodeSchema, {
    id,
    inputs: [bind("c", intLit(1))],
    target: {
      case: "branchNode",
      value: create(BranchNodeSchema, {
        ifElse: create(IfElseBlockSchema, {
          case: create(IfBlockSchema, {
            condition: {
              expr: {
                case: "comparison",
                value: {
                  operator: ComparisonExpression_Operator.EQ,
                  leftValue: { val: { case: "var", value: "c" } },
                  rightValue: { val: { case: "primitive", value: { value: { case: "integer", value: 1n } } } },
                },
              },
            },
            thenNode,
          }),
          default: { case: "elseNode", value: elseNode },
        }),
      }),
    },
  });
}

// A slow `inc`, so a node started too early would find its upstream outputs missing.
const slowInc = async (inputs: LiteralMap): Promise<LiteralMap> => {
  await sleep(30);
  return intMap({ o0: intOf(inputs.literals["x"]) + 1n });
};

describe("flytekit-shaped workflows run", () => {
  test("a workflow input read through an empty promise node id, compiled or not", async () => {
    const closure = closureOf([taskNode("n0", "inc", { x: promise("", "a") })], { out: promise("n0", "o0") });
    const engine = new Engine({ runner: new FunctionRunner({ inc: slowInc }) });
    assert.deepEqual(outputs(await engine.execute({ executionId: "e1", closure, inputs: intMap({ a: 1 }) })), { out: 2n });

    // A closure stored before the compiler named start-node still carries the empty id.
    const old = clone(CompiledWorkflowClosureSchema, closure);
    const n0 = old.primary?.template?.nodes.find((n) => n.id === "n0");
    const read = n0?.inputs[0]?.binding?.value;
    assert.ok(read?.case === "promise");
    read.value.nodeId = "";
    assert.deepEqual(outputs(await engine.execute({ executionId: "e2", closure: old, inputs: intMap({ a: 5 }) })), { out: 6n });
  });

  test("an inner branch node waits for the node it reads, though the branch node does not depend on it", async () => {
    const closure = closureOf(
      [
        taskNode("n0", "inc", { x: promise("", "a") }),
        branchOnConstant("n1", taskNode("n0", "inc", { x: promise("n0", "o0") }), taskNode("n1", "inc", { x: intLit(0) })),
      ],
      { out: promise("n1", "o0") },
    );
    const n1 = closure.primary?.template?.nodes.find((n) => n.id === "n1");
    assert.deepEqual(n1?.upstreamNodeIds, [], "the compiler keeps the dependency on the inner node");
    const runner = new FunctionRunner({ inc: slowInc });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({ a: 1 }) });
    assert.deepEqual(outputs(result), { out: 3n });
    assert.deepEqual(runner.calls.map((c) => c.nodeId), ["n0", "n1-n0"]);
  });

  test("an unbound Optional input reaches the task as none", async () => {
    const seen: LiteralMap[] = [];
    const closure = closureOf([taskNode("n0", "cleanup", { x: promise("", "a") })], { out: promise("n0", "o0") });
    const runner = new FunctionRunner({
      cleanup: (inputs) => {
        seen.push(inputs);
        return intMap({ o0: 0 });
      },
    });
    outputs(await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({ a: 1 }) }));
    const err = seen[0]?.literals["err"]?.value;
    assert.ok(err?.case === "scalar" && err.value.value.case === "union", "err is a union literal");
    assert.equal(err.value.value.value.value?.value.case, "scalar");
    const inner = err.value.value.value.value?.value.value;
    assert.equal(inner?.value.case, "noneType");
  });
});
