import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { clone, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, type CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { WorkflowTemplateSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { compileWorkflow, type CompileInput } from "./compile.ts";
import { END_NODE_ID, START_NODE_ID, identifierKey } from "./identifiers.ts";
import { formatDiagnostics } from "./diagnostics.ts";
import { INT, TASKS, ident, intLit, promise, taskNode, workflow } from "./test-fixtures.ts";

function mustCompile(input: CompileInput): CompiledWorkflowClosure {
  const result = compileWorkflow(input);
  if (!result.ok) assert.fail(`expected the workflow to compile:\n${formatDiagnostics(result.diagnostics)}`);
  return result.closure;
}

function connections(closure: CompiledWorkflowClosure): { up: Record<string, string[]>; down: Record<string, string[]> } {
  const c = closure.primary?.connections;
  const flat = (m: Record<string, { ids: string[] }> | undefined): Record<string, string[]> =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v.ids]));
  return { up: flat(c?.upstream), down: flat(c?.downstream) };
}

/** a → inc(n0) → inc(n1) → out */
const twoTasks = workflow("two_tasks", {
  inputs: { a: INT },
  outputs: { out: INT },
  nodes: [taskNode("n0", "inc", { x: promise(START_NODE_ID, "a") }), taskNode("n1", "inc", { x: promise("n0", "o0") })],
  bindings: { out: promise("n1", "o0") },
});

describe("compileWorkflow: a valid workflow", () => {
  test("a two-task workflow compiles with start and end nodes", () => {
    const closure = mustCompile({ primary: twoTasks, tasks: TASKS });
    const nodes = closure.primary?.template?.nodes ?? [];
    assert.deepEqual(
      nodes.map((n) => n.id),
      [START_NODE_ID, END_NODE_ID, "n0", "n1"],
    );
    const [start, end] = nodes;
    assert.equal(start?.target.case, undefined);
    assert.equal(start?.inputs.length, 0);
    assert.deepEqual(
      end?.inputs.map((b) => [b.var, b.binding?.value.case]),
      [["out", "promise"]],
    );
  });

  test("upstream node ids come from promise bindings and leave out the start node", () => {
    const nodes = mustCompile({ primary: twoTasks, tasks: TASKS }).primary?.template?.nodes ?? [];
    const byId = new Map(nodes.map((n) => [n.id, n.upstreamNodeIds]));
    assert.deepEqual(byId.get("n0"), []);
    assert.deepEqual(byId.get("n1"), ["n0"]);
    assert.deepEqual(byId.get(END_NODE_ID), ["n1"]);
  });

  test("connections link every node, including the start and end nodes", () => {
    const { up, down } = connections(mustCompile({ primary: twoTasks, tasks: TASKS }));
    assert.deepEqual(up, { [END_NODE_ID]: ["n1"], n0: [START_NODE_ID], n1: ["n0"] });
    assert.deepEqual(down, { [START_NODE_ID]: ["n0"], n0: ["n1"], n1: [END_NODE_ID] });
  });

  test("a node with no inputs hangs off the start node and a leaf node feeds the end node", () => {
    const wf = workflow("orphans", {
      outputs: { out: INT },
      nodes: [taskNode("n0", "inc", { x: intLit(1) }), taskNode("n1", "inc", { x: intLit(2) })],
      bindings: { out: promise("n0", "o0") },
    });
    const { up, down } = connections(mustCompile({ primary: wf, tasks: TASKS }));
    assert.deepEqual(up, { [END_NODE_ID]: ["n0", "n1"], n0: [START_NODE_ID], n1: [START_NODE_ID] });
    assert.deepEqual(down[START_NODE_ID], ["n0", "n1"]);
  });

  test("explicit upstream node ids are kept as ordering edges", () => {
    const wf = workflow("ordered", {
      nodes: [taskNode("n0", "inc", { x: intLit(1) }), taskNode("n1", "inc", { x: intLit(2) }, ["n0"])],
    });
    const closure = mustCompile({ primary: wf, tasks: TASKS });
    const n1 = closure.primary?.template?.nodes.find((n) => n.id === "n1");
    assert.deepEqual(n1?.upstreamNodeIds, ["n0"]);
    assert.deepEqual(connections(closure).up["n1"], ["n0"]);
  });

  test("the closure lists each referenced task once, and only referenced tasks", () => {
    const closure = mustCompile({ primary: twoTasks, tasks: TASKS });
    assert.deepEqual(
      closure.tasks.map((t) => (t.template?.id === undefined ? "" : identifierKey(t.template.id))),
      [identifierKey(ident(ResourceType.TASK, "inc"))],
    );
  });

  test("a reference with an unset resource type still finds its task", () => {
    const wf = clone(WorkflowTemplateSchema, twoTasks);
    const target = wf.nodes[0]?.target;
    if (target?.case === "taskNode" && target.value.reference.case === "referenceId") {
      target.value.reference.value.resourceType = ResourceType.UNSPECIFIED;
    }
    mustCompile({ primary: wf, tasks: TASKS });
  });

  test("the closure survives a round trip through the binary encoding", () => {
    const closure = mustCompile({ primary: twoTasks, tasks: TASKS });
    const back = fromBinary(CompiledWorkflowClosureSchema, toBinary(CompiledWorkflowClosureSchema, closure));
    assert.ok(equals(CompiledWorkflowClosureSchema, closure, back));
    assert.equal(back.primary?.template?.nodes.length, 4);
  });

  test("compiling twice gives identical bytes", () => {
    const a = mustCompile({ primary: twoTasks, tasks: TASKS });
    const b = mustCompile({ primary: twoTasks, tasks: TASKS });
    assert.deepEqual(toBinary(CompiledWorkflowClosureSchema, a), toBinary(CompiledWorkflowClosureSchema, b));
  });

  test("the input templates are not modified", () => {
    const before = clone(WorkflowTemplateSchema, twoTasks);
    const closure = mustCompile({ primary: twoTasks, tasks: TASKS });
    assert.ok(equals(WorkflowTemplateSchema, before, twoTasks));
    // The closure holds copies: changing it leaves the input alone.
    const n0 = closure.primary?.template?.nodes[2];
    if (n0 !== undefined) n0.id = "changed";
    assert.equal(twoTasks.nodes[0]?.id, "n0");
  });
});

describe("compileWorkflow: scale", () => {
  // Its compile time is a benchmark (`npm run bench`, compile-chain-10k), not an assertion here.
  test("a 10,000-node chain compiles", () => {
    const n = 10_000;
    const nodes = [taskNode("n0", "inc", { x: promise(START_NODE_ID, "a") })];
    for (let i = 1; i < n; i++) nodes.push(taskNode(`n${i}`, "inc", { x: promise(`n${i - 1}`, "o0") }));
    const wf = workflow("chain", { inputs: { a: INT }, outputs: { out: INT }, nodes, bindings: { out: promise(`n${n - 1}`, "o0") } });
    const closure = mustCompile({ primary: wf, tasks: TASKS });
    assert.equal(closure.primary?.template?.nodes.length, n + 2);
    assert.deepEqual(connections(closure).up[END_NODE_ID], [`n${n - 1}`]);
  });

  test("a cycle through a 10,000-node chain is reported without overflowing the stack", () => {
    const n = 10_000;
    const nodes = [taskNode("n0", "inc", { x: promise(`n${n - 1}`, "o0") })];
    for (let i = 1; i < n; i++) nodes.push(taskNode(`n${i}`, "inc", { x: promise(`n${i - 1}`, "o0") }));
    const result = compileWorkflow({ primary: workflow("ring", { nodes }), tasks: TASKS });
    assert.equal(result.ok, false);
    const cycles = result.diagnostics.filter((d) => d.code === "E_CYCLE_DETECTED");
    assert.equal(cycles.length, 1);
    assert.match(cycles[0]?.message ?? "", /n0 → n1 → n2 .* → n9999 → n0\.$/);
  });
});
