/**
 * What Flyte's own compiler does with flytekit's (Python) output, checked on small workflows
 * shaped like the corpus's: empty promise node ids, unbound Optional inputs, and the naming and
 * connections of nodes inside branches (flytepropeller's branch goldens).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { CompiledWorkflow } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { compileWorkflow, type CompileResult } from "./compile.ts";
import { formatDiagnostics } from "./diagnostics.ts";
import { INT, NONE, TASKS, bind, branch, intLit, promise, task, taskNode, union, workflow } from "./test-fixtures.ts";

function compiled(result: CompileResult): CompiledWorkflow {
  if (!result.ok) assert.fail(`expected success:\n${formatDiagnostics(result.diagnostics)}`);
  const primary = result.closure.primary;
  assert.ok(primary);
  return primary;
}

/** Ids of the nodes inside a compiled branch node, depth first. */
function innerIds(node: Node | undefined): string[] {
  if (node?.target.case !== "branchNode") return [];
  const ifElse = node.target.value.ifElse;
  const inner = [ifElse?.case?.thenNode, ...(ifElse?.other ?? []).map((b) => b.thenNode)];
  if (ifElse?.default.case === "elseNode") inner.push(ifElse.default.value);
  return inner.flatMap((n) => (n === undefined ? [] : [n.id, ...innerIds(n)]));
}

function upstreamOf(wf: CompiledWorkflow): Record<string, string[]> {
  return Object.fromEntries(Object.entries(wf.connections?.upstream ?? {}).map(([k, v]) => [k, v.ids]));
}

describe("flytekit's empty promise node id", () => {
  test("names start-node in the compiled workflow, in nodes, outputs and branches; the input is unchanged", () => {
    const wf = workflow("wf", {
      inputs: { a: INT },
      outputs: { out: INT, echo: INT },
      nodes: [
        taskNode("n0", "inc", { x: promise("", "a") }),
        branch("n1", taskNode("n0", "inc", { x: promise("", "a") }), taskNode("n1", "inc", { x: intLit(0) })),
      ],
      bindings: { out: promise("n0", "o0"), echo: promise("", "a") },
    });
    const primary = compiled(compileWorkflow({ primary: wf, tasks: TASKS }));
    const nodes = primary.template?.nodes ?? [];
    const n0 = nodes.find((n) => n.id === "n0");
    const read = n0?.inputs[0]?.binding?.value;
    assert.equal(read?.case === "promise" ? read.value.nodeId : undefined, "start-node");
    const end = nodes.find((n) => n.id === "end-node");
    const echo = end?.inputs.find((b) => b.var === "echo")?.binding?.value;
    assert.equal(echo?.case === "promise" ? echo.value.nodeId : undefined, "start-node");
    const inner = nodes.find((n) => n.id === "n1");
    const then = inner?.target.case === "branchNode" ? inner.target.value.ifElse?.case?.thenNode : undefined;
    const innerRead = then?.inputs[0]?.binding?.value;
    assert.equal(innerRead?.case === "promise" ? innerRead.value.nodeId : undefined, "start-node");
    const original = wf.nodes[0]?.inputs[0]?.binding?.value;
    assert.equal(original?.case === "promise" ? original.value.nodeId : undefined, "", "the template given is not modified");
  });
});

describe("unbound Optional inputs", () => {
  const tasks = [...TASKS, task("cleanup", { x: INT, err: union(INT, NONE) }, { o0: INT })];

  test("an input whose type is a union with none may be left unbound (Flyte's IsOptionalType)", () => {
    const wf = workflow("wf", { inputs: { a: INT }, nodes: [taskNode("n0", "cleanup", { x: promise("", "a") })] });
    compiled(compileWorkflow({ primary: wf, tasks }));
  });

  test("a required input left unbound is still reported", () => {
    const wf = workflow("wf", { inputs: { a: INT }, nodes: [taskNode("n0", "cleanup", { err: intLit(1) })] });
    const result = compileWorkflow({ primary: wf, tasks });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => `${d.code} ${d.path}`), ["E_PARAMETER_NOT_BOUND workflow wf > node n0 > input x"]);
  });
});

describe("nodes inside branches, as Flyte compiles them", () => {
  test("are renamed <branch>-<node>, keep their dependencies, and get an upstream entry (mycereal_condition_has_no_deps)", () => {
    // The branch node binds a constant; its inner node reads n0. Flyte: upstream[n2] = [start-node],
    // upstream[n2-n0] = [n0], downstream[n0] without n2.
    const wf = workflow("wf", {
      inputs: { a: INT },
      outputs: { out: INT },
      nodes: [
        taskNode("n0", "inc", { x: promise("", "a") }),
        taskNode("n1", "inc", { x: promise("n0", "o0") }),
        branch("n2", taskNode("n0", "inc", { x: promise("n0", "o0") }, ["n0"]), taskNode("n1", "inc", { x: intLit(1) }), [bind("c", intLit(1))]),
      ],
      bindings: { out: promise("n2", "o0") },
    });
    const primary = compiled(compileWorkflow({ primary: wf, tasks: TASKS }));
    const n2 = primary.template?.nodes.find((n) => n.id === "n2");
    assert.deepEqual(innerIds(n2), ["n2-n0", "n2-n1"]);
    assert.deepEqual(n2?.upstreamNodeIds, []);
    const up = upstreamOf(primary);
    assert.deepEqual(up["n2"], ["start-node"]);
    assert.deepEqual(up["n2-n0"], ["n0"]);
    assert.equal(up["n2-n1"], undefined, "an inner node without dependencies has no entry");
    assert.deepEqual(primary.connections?.downstream["n0"]?.ids, ["n1"]);
    assert.equal(primary.connections?.downstream["n2-n0"], undefined);
  });

  test("nested names compose and our SDK's qualified ids are kept", () => {
    const nested = branch("n0", taskNode("n0", "inc", { x: promise("", "a") }), undefined);
    const wf = workflow("wf", {
      inputs: { a: INT },
      nodes: [
        branch("n0", nested, taskNode("n1", "inc", { x: promise("", "a") })),
        // As packages/flytekit writes it: inner ids already carry the branch's id.
        branch("n1", taskNode("n1-n0", "inc", { x: promise("", "a") }), taskNode("n1-n1", "inc", { x: intLit(2) })),
      ],
    });
    const primary = compiled(compileWorkflow({ primary: wf, tasks: TASKS }));
    const nodes = primary.template?.nodes ?? [];
    assert.deepEqual(innerIds(nodes.find((n) => n.id === "n0")), ["n0-n0", "n0-n0-n0", "n0-n1"]);
    assert.deepEqual(innerIds(nodes.find((n) => n.id === "n1")), ["n1-n0", "n1-n1"]);
    const up = upstreamOf(primary);
    assert.deepEqual(up["n0-n0-n0"], ["start-node"]);
    assert.deepEqual(up["n1-n0"], ["start-node"]);

    // Compiling the compiled template again changes no id.
    const again = compiled(compileWorkflow({ primary: workflow("wf", { inputs: { a: INT }, nodes: nodes.filter((n) => !n.id.endsWith("-node")) }), tasks: TASKS }));
    assert.deepEqual(innerIds(again.template?.nodes.find((n) => n.id === "n0")), ["n0-n0", "n0-n0-n0", "n0-n1"]);
  });

  test("an inner node's dependency on a later node is still a cycle", () => {
    const wf = workflow("wf", {
      inputs: { a: INT },
      nodes: [
        branch("n0", taskNode("n0", "inc", { x: promise("n1", "o0") }), taskNode("n1", "inc", { x: intLit(1) })),
        taskNode("n1", "inc", { x: promise("n0", "o0") }),
      ],
    });
    const result = compileWorkflow({ primary: wf, tasks: TASKS });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ["E_CYCLE_DETECTED"]);
  });

  test("an inner id that collides with a top-level id is reported", () => {
    const wf = workflow("wf", {
      inputs: { a: INT },
      nodes: [
        taskNode("n1-n0", "inc", { x: promise("", "a") }),
        branch("n1", taskNode("n0", "inc", { x: intLit(1) }), taskNode("n1", "inc", { x: intLit(2) })),
      ],
    });
    const result = compileWorkflow({ primary: wf, tasks: TASKS });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ["E_DUPLICATE_ID"]);
  });
});
