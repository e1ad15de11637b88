import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AliasSchema, NodeSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { BindingDataSchema, BindingSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { compileWorkflow, type CompileInput } from "./compile.ts";
import { formatDiagnostics, type Diagnostic, type DiagnosticCode } from "./diagnostics.ts";
import { START_NODE_ID } from "./identifiers.ts";
import {
  INT,
  STR,
  TASKS,
  enumOf,
  floatLit,
  intLit,
  launchPlanNode,
  promise,
  strLit,
  subWorkflowNode,
  task,
  taskNode,
  workflow,
} from "./test-fixtures.ts";

function diagnosticsOf(input: CompileInput): readonly Diagnostic[] {
  const result = compileWorkflow(input);
  assert.equal(result.ok, false, "expected the compilation to fail");
  return result.diagnostics;
}

/** Asserts exactly one diagnostic with `code` exists and returns it. */
function only(diags: readonly Diagnostic[], code: DiagnosticCode): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got:\n${formatDiagnostics(diags)}`);
  const [d] = found;
  assert.ok(d !== undefined);
  return d;
}

describe("diagnostics: node inputs", () => {
  test("an INTEGER output bound to a FLOAT input is a type mismatch", () => {
    const wf = workflow("wf", {
      nodes: [taskNode("n0", "inc", { x: intLit(1) }), taskNode("n1", "half", { x: promise("n0", "o0") })],
    });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_MISMATCHING_TYPES");
    assert.equal(d.path, "workflow wf > node n1 > input x");
    assert.equal(d.nodeId, "n1");
    assert.match(d.message, /expects FLOAT.*output 'o0' of node n0 \(task inc\).*INTEGER/);
  });

  test("an INTEGER constant bound to a FLOAT input is a type mismatch", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "half", { x: intLit(1) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_MISMATCHING_TYPES");
    assert.match(d.message, /expects FLOAT, but is bound to the INTEGER constant 1 \(integers are not converted to floats/);
  });

  test("an input without a binding is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc")] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_PARAMETER_NOT_BOUND");
    assert.equal(d.path, "workflow wf > node n0 > input x");
  });

  test("an input bound twice is reported", () => {
    const node = taskNode("n0", "inc", { x: intLit(1) });
    node.inputs.push(create(BindingSchema, { var: "x", binding: intLit(2) }));
    const d = only(diagnosticsOf({ primary: workflow("wf", { nodes: [node] }), tasks: TASKS }), "E_PARAMETER_BOUND_TWICE");
    assert.equal(d.path, "workflow wf > node n0 > input x");
  });

  test("a binding for an input the task does not have is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1), y: intLit(2) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_VARIABLE_NOT_FOUND");
    assert.match(d.message, /has no input 'y' \(it has x\)/);
  });

  test("a promise naming an output the upstream node does not have is reported", () => {
    const wf = workflow("wf", {
      nodes: [taskNode("n0", "inc", { x: intLit(1) }), taskNode("n1", "inc", { x: promise("n0", "o7") })],
    });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_VARIABLE_NOT_FOUND");
    assert.match(d.message, /'o7'.*known: o0/);
  });

  test("a promise naming a workflow input that does not exist is reported", () => {
    const wf = workflow("wf", { inputs: { a: INT }, nodes: [taskNode("n0", "inc", { x: promise(START_NODE_ID, "b") })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_VARIABLE_NOT_FOUND");
    assert.match(d.message, /workflow has no input/);
  });

  test("a promise pointing at a node that does not exist is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: promise("n9", "o0") })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_NODE_NOT_FOUND");
    assert.match(d.message, /'n9'/);
  });

  test("an explicit upstream node that does not exist is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1) }, ["ghost"])] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_NODE_NOT_FOUND");
    assert.equal(d.path, "workflow wf > node n0 > upstream ghost");
  });

  test("a binding without a value is reported", () => {
    const node = taskNode("n0", "inc");
    node.inputs.push(create(BindingSchema, { var: "x", binding: create(BindingDataSchema) }));
    only(diagnosticsOf({ primary: workflow("wf", { nodes: [node] }), tasks: TASKS }), "E_INVALID_BINDING");
  });

  test("a string constant that is not one of the enum's values is reported", () => {
    const tasks = [task("paint", { color: enumOf("red", "blue") }, {})];
    const ok = compileWorkflow({ primary: workflow("wf", { nodes: [taskNode("n0", "paint", { color: strLit("red") })] }), tasks });
    assert.equal(ok.ok, true);
    const wf = workflow("wf", { nodes: [taskNode("n0", "paint", { color: strLit("green") })] });
    const d = only(diagnosticsOf({ primary: wf, tasks }), "E_ILLEGAL_ENUM_VALUE");
    assert.match(d.message, /"green" is not one of the allowed values "red", "blue"/);
  });
});

describe("diagnostics: nodes and targets", () => {
  test("two nodes with the same id are reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1) }), taskNode("n0", "inc", { x: intLit(2) })] });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_DUPLICATE_ID");
  });

  test("a user node using a reserved id is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("end-node", "inc", { x: intLit(1) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_RESERVED_ID");
    assert.equal(d.path, "workflow wf > node end-node");
  });

  test("a node without an id is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("", "inc", { x: intLit(1) })] });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_VALUE_REQUIRED");
  });

  test("a node without a target is reported", () => {
    const wf = workflow("wf", { nodes: [create(NodeSchema, { id: "n0" })] });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_MISSING_TARGET");
  });

  test("a task that was not given to the compiler is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "missing")] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_TASK_NOT_FOUND");
    assert.match(d.message, /TASK\/p\/d\/missing\/v1/);
  });

  test("a sub-workflow that was not given to the compiler is reported", () => {
    const wf = workflow("wf", { nodes: [subWorkflowNode("n0", "child")] });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_WORKFLOW_NOT_FOUND");
  });

  test("a launch plan that was not given to the compiler is reported", () => {
    const wf = workflow("wf", { nodes: [launchPlanNode("n0", "lp")] });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_LAUNCH_PLAN_NOT_FOUND");
  });

  test("an alias for an output that does not exist is reported", () => {
    const node = taskNode("n0", "inc", { x: intLit(1) });
    node.outputAliases.push(create(AliasSchema, { var: "nope", alias: "renamed" }));
    only(diagnosticsOf({ primary: workflow("wf", { nodes: [node] }), tasks: TASKS }), "E_DUPLICATE_ALIAS");
  });

  test("an aliased output is reachable under its alias only", () => {
    const node = taskNode("n0", "inc", { x: intLit(1) });
    node.outputAliases.push(create(AliasSchema, { var: "o0", alias: "total" }));
    const good = workflow("wf", { outputs: { out: INT }, nodes: [node], bindings: { out: promise("n0", "total") } });
    assert.equal(compileWorkflow({ primary: good, tasks: TASKS }).ok, true);
    const bad = workflow("wf", { outputs: { out: INT }, nodes: [node], bindings: { out: promise("n0", "o0") } });
    only(diagnosticsOf({ primary: bad, tasks: TASKS }), "E_VARIABLE_NOT_FOUND");
  });
});

describe("diagnostics: workflow shape", () => {
  test("a workflow without nodes is reported", () => {
    only(diagnosticsOf({ primary: workflow("wf", { nodes: [] }), tasks: TASKS }), "E_NO_NODES");
  });

  test("a workflow with only constant outputs and no nodes is rejected too", () => {
    const wf = workflow("wf", { outputs: { out: INT }, nodes: [], bindings: { out: intLit(3) } });
    const diags = diagnosticsOf({ primary: wf, tasks: TASKS });
    assert.deepEqual(
      diags.map((d) => d.code),
      ["E_NO_NODES"],
    );
  });

  test("a declared output that is never bound is reported", () => {
    const wf = workflow("wf", { outputs: { out: INT }, nodes: [taskNode("n0", "inc", { x: intLit(1) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_OUTPUT_NOT_BOUND");
    assert.equal(d.path, "workflow wf > output out");
  });

  test("a binding for an output the workflow does not declare is reported", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1) })], bindings: { extra: promise("n0", "o0") } });
    only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_UNKNOWN_OUTPUT");
  });

  test("an output bound to a type it cannot hold is reported", () => {
    const wf = workflow("wf", { outputs: { out: STR }, nodes: [taskNode("n0", "inc", { x: intLit(1) })], bindings: { out: promise("n0", "o0") } });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_MISMATCHING_TYPES");
    assert.equal(d.path, "workflow wf > output out");
  });

  test("a cycle is reported with the node ids on it", () => {
    const wf = workflow("wf", {
      nodes: [
        taskNode("n0", "inc", { x: intLit(1) }),
        taskNode("n1", "inc", { x: promise("n2", "o0") }),
        taskNode("n2", "inc", { x: promise("n1", "o0") }),
      ],
    });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_CYCLE_DETECTED");
    assert.equal(d.message, "nodes depend on each other in a cycle: n1 → n2 → n1.");
    assert.equal(d.nodeId, "n1");
  });

  test("a node depending on itself is a cycle", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: promise("n0", "o0") })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: TASKS }), "E_CYCLE_DETECTED");
    assert.match(d.message, /n0 → n0/);
  });

  test("two task templates with the same id but different content are reported", () => {
    const other = task("inc", { y: INT }, { o0: INT });
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: [...TASKS, other] }), "E_DUPLICATE_ID");
    assert.equal(d.path, "input > tasks > TASK/p/d/inc/v1");
  });
});

describe("diagnostics: collected together", () => {
  test("several problems are all reported in one compilation", () => {
    const wf = workflow("wf", {
      outputs: { out: INT, never: STR },
      nodes: [
        taskNode("n0", "half", { x: intLit(1) }),
        taskNode("n1", "missing"),
        taskNode("n1", "inc", { x: intLit(1) }),
        taskNode("n2", "inc", { x: promise("n9", "o0") }),
        taskNode("n3", "greet"),
      ],
      bindings: { out: promise("n2", "o0") },
    });
    const diags = diagnosticsOf({ primary: wf, tasks: TASKS });
    const codes = diags.map((d) => d.code).sort();
    assert.deepEqual(codes, [
      "E_DUPLICATE_ID",
      "E_MISMATCHING_TYPES",
      "E_NODE_NOT_FOUND",
      "E_OUTPUT_NOT_BOUND",
      "E_PARAMETER_NOT_BOUND",
      "E_TASK_NOT_FOUND",
    ]);
    const text = formatDiagnostics(diags);
    assert.equal(text.split("\n").length, diags.length);
    assert.match(text, /^E_MISMATCHING_TYPES at workflow wf > node n0 > input x: /m);
  });

  test("bad input never throws", () => {
    const result = compileWorkflow({} as CompileInput);
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics[0]?.code, "E_VALUE_REQUIRED");
  });

  test("a task template without an id is reported", () => {
    const anonymous = task("x", {}, {});
    delete anonymous.id;
    const wf = workflow("wf", { nodes: [taskNode("n0", "inc", { x: intLit(1) })] });
    const d = only(diagnosticsOf({ primary: wf, tasks: [...TASKS, anonymous] }), "E_VALUE_REQUIRED");
    assert.equal(d.path, "input > tasks > #3");
  });
});

describe("diagnostics: formatting", () => {
  test("formatDiagnostics renders one line per diagnostic", () => {
    const text = formatDiagnostics([
      { code: "E_NO_NODES", path: "workflow a", message: "first" },
      { code: "E_CYCLE_DETECTED", path: "workflow b > node n1", message: "second", nodeId: "n1" },
    ]);
    assert.equal(text, "E_NO_NODES at workflow a: first\nE_CYCLE_DETECTED at workflow b > node n1: second");
  });
  test("a FLOAT task fed a FLOAT constant compiles, as a control for the mismatch tests", () => {
    const wf = workflow("wf", { nodes: [taskNode("n0", "half", { x: floatLit(1.5) })] });
    assert.equal(compileWorkflow({ primary: wf, tasks: TASKS }).ok, true);
  });
});
