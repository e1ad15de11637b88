import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import {
  ApproveConditionSchema,
  ArrayNodeSchema,
  GateNodeSchema,
  NodeSchema,
  SignalConditionSchema,
  SleepConditionSchema,
  type Node,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { compileWorkflow, type CompileInput, type CompileResult } from "./compile.ts";
import { formatDiagnostics, type Diagnostic } from "./diagnostics.ts";
import { START_NODE_ID, identifierKey } from "./identifiers.ts";
import {
  FLOAT,
  INT,
  STR,
  TASKS,
  bind,
  branch,
  iface,
  ident,
  intLit,
  launchPlanNode,
  list,
  listOf,
  promise,
  subWorkflowNode,
  task,
  taskNode,
  workflow,
} from "./test-fixtures.ts";

function ok(result: CompileResult): Extract<CompileResult, { ok: true }> {
  if (!result.ok) assert.fail(`expected success:\n${formatDiagnostics(result.diagnostics)}`);
  return result;
}
function failures(input: CompileInput): readonly Diagnostic[] {
  const result = compileWorkflow(input);
  assert.equal(result.ok, false, "expected the compilation to fail");
  return result.diagnostics;
}

describe("sub-workflows", () => {
  const child = workflow("child", {
    inputs: { x: INT },
    outputs: { y: INT },
    nodes: [taskNode("m0", "inc", { x: promise(START_NODE_ID, "x") })],
    bindings: { y: promise("m0", "o0") },
  });
  const parent = workflow("parent", {
    inputs: { a: INT },
    outputs: { out: INT },
    nodes: [subWorkflowNode("n1", "child", { x: promise(START_NODE_ID, "a") }), taskNode("n2", "inc", { x: promise("n1", "y") })],
    bindings: { out: promise("n2", "o0") },
  });

  test("a sub-workflow is compiled and included in the closure with its own start and end nodes", () => {
    const { closure } = ok(compileWorkflow({ primary: parent, subWorkflows: [child], tasks: TASKS }));
    assert.equal(closure.subWorkflows.length, 1);
    const sub = closure.subWorkflows[0];
    assert.deepEqual(
      sub?.template?.nodes.map((n) => n.id),
      ["start-node", "end-node", "m0"],
    );
    assert.deepEqual(sub?.connections?.upstream["m0"]?.ids, [START_NODE_ID]);
    assert.deepEqual(
      closure.tasks.map((t) => t.template?.id?.name),
      ["inc"],
    );
  });

  test("a sub-workflow used by two nodes is compiled and listed once", () => {
    const twice = workflow("parent", {
      nodes: [subWorkflowNode("n1", "child", { x: intLit(1) }), subWorkflowNode("n2", "child", { x: intLit(2) })],
    });
    const { closure } = ok(compileWorkflow({ primary: twice, subWorkflows: [child], tasks: TASKS }));
    assert.equal(closure.subWorkflows.length, 1);
  });

  test("problems inside a sub-workflow are reported with the parent's path", () => {
    const broken = workflow("child", {
      inputs: { x: INT },
      outputs: { y: INT },
      nodes: [taskNode("m0", "half", { x: promise(START_NODE_ID, "x") })],
      bindings: { y: promise("m0", "o0") },
    });
    const diags = failures({ primary: parent, subWorkflows: [broken], tasks: TASKS });
    const paths = diags.map((d) => `${d.code} ${d.path}`);
    assert.ok(paths.includes("E_MISMATCHING_TYPES workflow parent > node n1 > workflow child > node m0 > input x"), paths.join("\n"));
    assert.ok(paths.includes("E_MISMATCHING_TYPES workflow parent > node n1 > workflow child > output y"), paths.join("\n"));
  });

  test("a node's bindings are checked against the sub-workflow's interface", () => {
    const bad = workflow("parent", { nodes: [subWorkflowNode("n1", "child", { x: intLit(1), z: intLit(2) })] });
    assert.deepEqual(
      failures({ primary: bad, subWorkflows: [child], tasks: TASKS }).map((d) => d.code),
      ["E_VARIABLE_NOT_FOUND"],
    );
  });

  test("a workflow that includes itself is a cycle", () => {
    const selfish = workflow("loop", { nodes: [subWorkflowNode("n1", "loop")] });
    const diags = failures({ primary: selfish, subWorkflows: [selfish], tasks: TASKS });
    assert.deepEqual(
      diags.map((d) => d.code),
      ["E_CYCLE_DETECTED"],
    );
  });
});

describe("launch plans", () => {
  const lp = { id: ident(ResourceType.LAUNCH_PLAN, "lp"), interface: iface({ a: INT, b: STR }, { r: FLOAT }) };

  test("a launch-plan node is checked against the launch plan's interface and listed in the closure", () => {
    const wf = workflow("wf", {
      outputs: { out: FLOAT },
      nodes: [launchPlanNode("n0", "lp", { a: intLit(1), b: promise(START_NODE_ID, "s") })],
      bindings: { out: promise("n0", "r") },
    });
    wf.interface = iface({ s: STR }, { out: FLOAT });
    const { closure } = ok(compileWorkflow({ primary: wf, tasks: [], launchPlans: [lp] }));
    assert.deepEqual(
      closure.launchPlans.map((l) => (l.template?.id === undefined ? "" : identifierKey(l.template.id))),
      ["LAUNCH_PLAN/p/d/lp/v1"],
    );
  });

  test("inputs with launch-plan defaults may be left unbound", () => {
    const wf = workflow("wf", { nodes: [launchPlanNode("n0", "lp", { a: intLit(1) })] });
    assert.deepEqual(
      failures({ primary: wf, tasks: [], launchPlans: [lp] }).map((d) => d.code),
      ["E_PARAMETER_NOT_BOUND"],
    );
    ok(compileWorkflow({ primary: wf, tasks: [], launchPlans: [{ ...lp, defaultInputs: ["b"] }] }));
  });
});

describe("branch nodes", () => {
  test("a branch compiles, its outputs are those all branches share, and inner promises become its dependencies", () => {
    const wf = workflow("wf", {
      inputs: { a: INT },
      outputs: { out: INT },
      nodes: [
        taskNode("n0", "inc", { x: promise(START_NODE_ID, "a") }),
        branch("n1", taskNode("n1-n0", "inc", { x: promise("n0", "o0") }), taskNode("n1-n1", "inc", { x: intLit(0) }), [
          bind("n0.o0", promise("n0", "o0")),
        ]),
        taskNode("n2", "inc", { x: promise("n1", "o0") }),
      ],
      bindings: { out: promise("n2", "o0") },
    });
    const { closure } = ok(compileWorkflow({ primary: wf, tasks: TASKS }));
    const n1 = closure.primary?.template?.nodes.find((n) => n.id === "n1");
    assert.deepEqual(n1?.upstreamNodeIds, ["n0"]);
  });

  test("problems inside a branch are reported with the branch in the path", () => {
    const wf = workflow("wf", { nodes: [branch("n1", taskNode("n1-n0", "missing"), undefined)] });
    const d = failures({ primary: wf, tasks: TASKS });
    assert.deepEqual(
      d.map((x) => `${x.code} ${x.path}`),
      ["E_TASK_NOT_FOUND workflow wf > node n1 > if > node n1-n0"],
    );
  });

  test("a branch without an else is reported", () => {
    const node = branch("n1", taskNode("n1-n0", "inc", { x: intLit(1) }), undefined);
    if (node.target.case === "branchNode" && node.target.value.ifElse !== undefined) {
      node.target.value.ifElse.default = { case: undefined };
    }
    assert.deepEqual(
      failures({ primary: workflow("wf", { nodes: [node] }), tasks: TASKS }).map((d) => d.code),
      ["E_VALUE_REQUIRED"],
    );
  });
});

describe("array nodes", () => {
  const mapped = (inner: Node, original: boolean, inputs: ReturnType<typeof bind>[]): Node =>
    create(NodeSchema, {
      id: "n0",
      inputs,
      target: {
        case: "arrayNode",
        value: create(ArrayNodeSchema, { node: inner, isOriginalSubNodeInterface: original }),
      },
    });

  test("with the original item interface, inputs and outputs are lifted to lists", () => {
    const items = listOf(intLit(1), intLit(2));
    const wf = workflow("wf", {
      outputs: { out: list(INT) },
      nodes: [mapped(taskNode("n0-item", "inc", { x: items }), true, [bind("x", items)])],
      bindings: { out: promise("n0", "o0") },
    });
    ok(compileWorkflow({ primary: wf, tasks: TASKS }));
    const scalar = workflow("wf", { nodes: [mapped(taskNode("n0-item", "inc", { x: intLit(1) }), true, [bind("x", intLit(1))])] });
    assert.deepEqual(
      failures({ primary: scalar, tasks: TASKS }).map((d) => d.code),
      ["E_MISMATCHING_TYPES"],
    );
  });

  test("without it, the inner node's interface is used as is (map tasks carry list interfaces)", () => {
    const tasks = [task("inc_map", { x: list(INT) }, { o0: list(INT) })];
    const items = listOf(intLit(1));
    const wf = workflow("wf", { nodes: [mapped(taskNode("n0-item", "inc_map", { x: items }), false, [bind("x", items)])] });
    ok(compileWorkflow({ primary: wf, tasks }));
  });

  test("an array node whose inner task is missing is reported", () => {
    const wf = workflow("wf", { nodes: [mapped(taskNode("n0-item", "missing"), true, [])] });
    assert.deepEqual(
      failures({ primary: wf, tasks: TASKS }).map((d) => `${d.code} ${d.path}`),
      ["E_TASK_NOT_FOUND workflow wf > node n0 > item node n0-item"],
    );
  });
});

describe("gate nodes", () => {
  const gate = (id: string, condition: Node["target"], inputs: ReturnType<typeof bind>[] = [], upstream: string[] = []): Node =>
    create(NodeSchema, { id, inputs, upstreamNodeIds: upstream, target: condition });
  const sleep = {
    case: "gateNode" as const,
    value: create(GateNodeSchema, {
      condition: { case: "sleep", value: create(SleepConditionSchema, { duration: create(DurationSchema, { seconds: 5n }) }) },
    }),
  };
  const signal = {
    case: "gateNode" as const,
    value: create(GateNodeSchema, {
      condition: { case: "signal", value: create(SignalConditionSchema, { signalId: "go", type: INT, outputVariableName: "o0" }) },
    }),
  };
  const approve = {
    case: "gateNode" as const,
    value: create(GateNodeSchema, { condition: { case: "approve", value: create(ApproveConditionSchema, { signalId: "ok" }) } }),
  };

  test("a sleep gate orders nodes through explicit upstream ids", () => {
    const wf = workflow("wf", {
      nodes: [gate("g", sleep), taskNode("n0", "inc", { x: intLit(1) }, ["g"])],
    });
    const { closure } = ok(compileWorkflow({ primary: wf, tasks: TASKS }));
    assert.deepEqual(closure.primary?.connections?.upstream["n0"]?.ids, ["g"]);
  });

  test("a signal gate's output has the declared type", () => {
    const good = workflow("wf", { nodes: [gate("g", signal), taskNode("n0", "inc", { x: promise("g", "o0") })] });
    ok(compileWorkflow({ primary: good, tasks: TASKS }));
    const bad = workflow("wf", { nodes: [gate("g", signal), taskNode("n0", "half", { x: promise("g", "o0") })] });
    assert.deepEqual(
      failures({ primary: bad, tasks: TASKS }).map((d) => d.code),
      ["E_MISMATCHING_TYPES"],
    );
  });

  test("an approve gate passes its input's type through", () => {
    const nodes = (consumer: string): Node[] => [
      taskNode("n0", "inc", { x: intLit(1) }),
      gate("g", approve, [bind("v", promise("n0", "o0"))]),
      taskNode("n1", consumer, { x: promise("g", "v") }),
    ];
    ok(compileWorkflow({ primary: workflow("wf", { nodes: nodes("inc") }), tasks: TASKS }));
    assert.deepEqual(
      failures({ primary: workflow("wf", { nodes: nodes("half") }), tasks: TASKS }).map((d) => d.code),
      ["E_MISMATCHING_TYPES"],
    );
  });

  test("a gate without a condition is reported", () => {
    const empty = { case: "gateNode" as const, value: create(GateNodeSchema) };
    assert.deepEqual(
      failures({ primary: workflow("wf", { nodes: [gate("g", empty)] }), tasks: TASKS }).map((d) => d.code),
      ["E_MISSING_TARGET"],
    );
  });
});
