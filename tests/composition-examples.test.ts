// The composition examples (conditionals, sub-workflows, launch plans) run through `flyte run`,
// and `flyte serialize` writes them as Flyte reads them: decoded here with Flyte's OWN generated
// code (@flyteorg/flyteidl pb-js), not ours.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyte, runNode } from "./helpers.ts";

// --- Flyte's pb-js: only the fields read here ------------------------------------------------
interface PbOperand {
  var: string;
  primitive?: { floatValue: number; integer: unknown };
}
interface PbBoolean {
  comparison?: { operator: number; leftValue?: PbOperand; rightValue?: PbOperand };
  conjunction?: { operator: number };
}
interface PbNode {
  id: string;
  inputs: { var: string; binding?: { promise?: { nodeId: string; var: string } } }[];
  branchNode?: {
    ifElse?: {
      case?: { condition?: PbBoolean; thenNode?: PbNode };
      other: { condition?: PbBoolean; thenNode?: PbNode }[];
      elseNode?: PbNode;
      error?: { failedNodeId: string; message: string };
    };
  };
  workflowNode?: { subWorkflowRef?: { name: string }; launchplanRef?: { name: string; resourceType: number } };
  taskNode?: { referenceId?: { name: string } };
}
interface PbWorkflowSpec {
  template?: { nodes: PbNode[] };
  subWorkflows: { id?: { name: string }; nodes: PbNode[] }[];
}
interface PbLaunchPlan {
  id?: { name: string };
  spec?: {
    workflowId?: { name: string };
    maxParallelism: number;
    entityMetadata?: { schedule?: { cronSchedule?: { schedule: string }; rate?: { value: number; unit: number } }; notifications: { phases: number[]; email?: { recipientsEmail: string[] } }[] };
    defaultInputs?: { parameters: Record<string, { required: boolean; default?: { scalar?: { primitive?: { integer: { toString(): string } } } } }> };
    fixedInputs?: { literals: Record<string, { scalar?: { primitive?: { stringValue: string } } }> };
  };
}
interface PbCodec<T> {
  decode(bytes: Uint8Array): T;
}
interface PbFlyteIdl {
  core: {
    ComparisonExpression: { Operator: Record<"GT" | "GTE" | "LT" | "EQ", number> };
    ConjunctionExpression: { LogicalOperator: Record<"AND", number> };
    ResourceType: Record<"LAUNCH_PLAN", number>;
    WorkflowExecution: { Phase: Record<"FAILED" | "TIMED_OUT", number> };
  };
  admin: { WorkflowSpec: PbCodec<PbWorkflowSpec>; LaunchPlan: PbCodec<PbLaunchPlan>; FixedRateUnit: Record<"DAY", number> };
}
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as { flyteidl: PbFlyteIdl };

function runJson(...args: string[]): unknown {
  const res = flyte("run", ...args, "--json");
  assert.equal(res.status, 0, `flyte run failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as unknown;
}

describe("composition examples run", () => {
  test("a conditional takes the branch its condition selects, comparing floats", () => {
    assert.deepEqual(runJson("examples/composition/conditionals.ts", "shape_wf", "--x", "0.5"), { o0: 1 });
    assert.deepEqual(runJson("examples/composition/conditionals.ts", "shape_wf", "--x", "4"), { o0: 16 });
  });

  test("else().fail() fails the run with its message", () => {
    const res = flyte("run", "examples/composition/conditionals.ts", "shape_wf", "--x", "-1");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /the input must be positive/);
  });

  test("nested conditionals feed later nodes", () => {
    assert.deepEqual(runJson("examples/composition/conditionals.ts", "nested_wf", "--seed", "3", "--who", "bob"), { o0: "HELLO TAILS!" });
  });

  test("a sub-workflow's outputs flow back, and its failures name the inner node", () => {
    assert.deepEqual(runJson("examples/composition/sub-workflows.ts", "parent_wf", "--a", "3"), { o0: "total=12" });
    const res = flyte("run", "examples/composition/sub-workflows.ts", "outer_checked_wf", "--n", "-1");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /n0-0-n0 \(task 'fails'\)/);
  });

  test("a launch plan runs with its saved inputs, and as a node in another workflow", () => {
    assert.deepEqual(runJson("examples/composition/launch-plans.ts", "hourly_report", "--a", "5"), { o0: "report 5 for x" });
    assert.deepEqual(runJson("examples/composition/launch-plans.ts", "nightly_batch"), { o0: "report 3 for x" });
    assert.deepEqual(runJson("examples/composition/launch-plans.ts", "launcher_wf", "--a", "2"), { o0: "REPORT 2 FOR X" });
  });

  test("every composition example runs as a script with the outputs its comments promise", () => {
    const expected: Record<string, string> = {
      "examples/composition/conditionals.ts": "1 16\nHELLO EVERYONE!",
      "examples/composition/sub-workflows.ts": "total=12",
      "examples/composition/launch-plans.ts": "report 5 for x\nreport 3 for x\nREPORT 7 FOR X",
    };
    for (const [file, out] of Object.entries(expected)) {
      const res = runNode([file]);
      assert.equal(res.status, 0, res.stderr);
      assert.equal(res.stdout.trim(), out, file);
    }
  });
});

describe("flyte serialize of the composition examples, read with Flyte's own pb-js", () => {
  let out = "";
  let files: string[] = [];
  const read = <T>(codec: PbCodec<T>, suffix: string): T => {
    const file = files.find((f) => f.endsWith(suffix));
    assert.ok(file !== undefined, `no file ending in ${suffix} among ${files.join(", ")}`);
    return codec.decode(readFileSync(join(out, file)));
  };

  before(() => {
    out = mkdtempSync(join(tmpdir(), "flyte-composition-"));
    const res = flyte("serialize", "examples/composition/conditionals.ts", "examples/composition/sub-workflows.ts", "examples/composition/launch-plans.ts", "--out", out);
    assert.equal(res.status, 0, res.stderr);
    files = readdirSync(out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("a conditional is one BranchNode with the comparison, its operand inputs and the error message", () => {
    const spec = read(flyteidl.admin.WorkflowSpec, "_shape_wf_2.pb");
    const nodes = spec.template?.nodes ?? [];
    assert.equal(nodes.length, 1);
    const branch = nodes[0]!;
    assert.deepEqual(branch.inputs.map((b) => `${b.var} ← ${b.binding?.promise?.nodeId}.${b.binding?.promise?.var}`), ["start-node.x ← start-node.x"]);
    const ifElse = branch.branchNode?.ifElse;
    assert.equal(ifElse?.case?.condition?.conjunction?.operator, flyteidl.core.ConjunctionExpression.LogicalOperator.AND);
    const elif = ifElse?.other[0]?.condition?.comparison;
    assert.equal(elif?.operator, flyteidl.core.ComparisonExpression.Operator.GTE);
    assert.equal(elif?.leftValue?.var, "start-node.x");
    assert.equal(elif?.rightValue?.primitive?.floatValue, 1);
    assert.deepEqual([ifElse?.case?.thenNode?.id, ifElse?.other[0]?.thenNode?.id], ["n0-n0", "n0-n1"]);
    assert.equal(ifElse?.case?.thenNode?.taskNode?.referenceId?.name, "double");
    assert.deepEqual({ failedNodeId: ifElse?.error?.failedNodeId, message: ifElse?.error?.message }, { failedNodeId: "n0", message: "the input must be positive" });
  });

  test("a comparison on a node's output reads it through an input named <node>.<output>", () => {
    const spec = read(flyteidl.admin.WorkflowSpec, "_nested_wf_2.pb");
    const branch = spec.template?.nodes.find((n) => n.branchNode !== undefined && n.branchNode !== null);
    assert.deepEqual(branch?.inputs.map((b) => b.var), ["n0.o0"]);
    assert.equal(branch?.branchNode?.ifElse?.case?.condition?.comparison?.leftValue?.var, "n0.o0");
    const nested = branch?.branchNode?.ifElse?.case?.thenNode;
    assert.equal(nested?.id, "n1-n0");
    assert.ok(nested?.branchNode?.ifElse?.elseNode !== undefined, "the nested conditional keeps its else node");
  });

  test("a sub-workflow call is a WorkflowNode and its template travels in subWorkflows", () => {
    const spec = read(flyteidl.admin.WorkflowSpec, "_parent_wf_2.pb");
    assert.equal(spec.template?.nodes[0]?.workflowNode?.subWorkflowRef?.name, "inner_wf");
    assert.deepEqual(spec.subWorkflows.map((w) => w.id?.name), ["inner_wf"]);
  });

  test("a named launch plan carries its default and fixed inputs, schedule, notifications and parallelism", () => {
    const lp = read(flyteidl.admin.LaunchPlan, "_hourly_report_3.pb");
    assert.equal(lp.id?.name, "hourly_report");
    assert.equal(lp.spec?.workflowId?.name, "report_wf");
    const params = lp.spec?.defaultInputs?.parameters ?? {};
    assert.deepEqual(Object.keys(params), ["a"]);
    assert.equal(params["a"]?.default?.scalar?.primitive?.integer.toString(), "3");
    assert.equal(lp.spec?.fixedInputs?.literals["region"]?.scalar?.primitive?.stringValue, "x");
    assert.equal(lp.spec?.entityMetadata?.schedule?.cronSchedule?.schedule, "0 * * * *");
    const note = lp.spec?.entityMetadata?.notifications[0];
    assert.deepEqual(note?.phases, [flyteidl.core.WorkflowExecution.Phase.FAILED, flyteidl.core.WorkflowExecution.Phase.TIMED_OUT]);
    assert.deepEqual(note?.email?.recipientsEmail, ["oncall@example.com"]);
    assert.equal(lp.spec?.maxParallelism, 4);
    const rate = read(flyteidl.admin.LaunchPlan, "_nightly_batch_3.pb").spec?.entityMetadata?.schedule?.rate;
    assert.deepEqual([rate?.value, rate?.unit], [1, flyteidl.admin.FixedRateUnit.DAY]);
  });

  test("a launch plan called in a workflow is a launchplanRef, and is written before that workflow", () => {
    const spec = read(flyteidl.admin.WorkflowSpec, "_launcher_wf_2.pb");
    const ref = spec.template?.nodes[0]?.workflowNode?.launchplanRef;
    assert.equal(ref?.name, "hourly_report");
    assert.equal(ref?.resourceType, flyteidl.core.ResourceType.LAUNCH_PLAN);
    const index = (suffix: string): number => Number(files.find((f) => f.endsWith(suffix))?.split("_")[0]);
    assert.ok(index("_hourly_report_3.pb") < index("_launcher_wf_2.pb"));
  });
});
