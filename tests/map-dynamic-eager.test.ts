// Map tasks, dynamic and eager workflows end to end: the examples run as scripts and through
// `flyte run`, and `flyte serialize` writes array nodes, mapped task templates and eager task
// metadata that Flyte's OWN generated code (@flyteorg/flyteidl pb-js) reads back as intended.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyte, runNode, type ProcessResult } from "./helpers.ts";

// --- Flyte's pb-js module: only the fields read here ---------------------------------------------
interface PbLiteralType {
  simple: number;
  collectionType?: PbLiteralType;
  unionType?: { variants: PbLiteralType[] };
}
interface PbVariableMap {
  variables: Record<string, { type?: PbLiteralType }>;
}
interface PbTemplate {
  id?: { name: string };
  type: string;
  taskTypeVersion: number;
  interface?: { inputs?: PbVariableMap; outputs?: PbVariableMap };
  metadata?: { isEager: boolean };
  container?: { args: string[] };
}
interface PbNode {
  id: string;
  inputs: { var: string; binding?: { scalar?: unknown; promise?: { nodeId: string } } }[];
  taskNode?: { referenceId?: { name: string } };
  workflowNode?: { subWorkflowRef?: { name: string } };
  arrayNode?: {
    node?: PbNode;
    parallelism: number;
    minSuccesses: number;
    minSuccessRatio: number;
    executionMode: number;
    isOriginalSubNodeInterface?: { value: boolean } | null;
    dataMode: number;
    boundInputs: string[];
  };
}
interface PbCodec<T> {
  decode(bytes: Uint8Array): T;
}
interface PbFlyteIdl {
  core: {
    SimpleType: Record<"INTEGER" | "FLOAT" | "STRING" | "NONE", number>;
    ArrayNode: { ExecutionMode: Record<"MINIMAL_STATE" | "FULL_STATE", number> };
  };
  admin: {
    TaskSpec: PbCodec<{ template?: PbTemplate }>;
    WorkflowSpec: PbCodec<{ template?: { nodes: PbNode[] }; subWorkflows: { id?: { name: string } }[] }>;
  };
}
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as { flyteidl: PbFlyteIdl };
const { SimpleType, ArrayNode } = flyteidl.core;

function runJson(...args: string[]): unknown {
  const res = flyte("run", ...args, "--json");
  assert.equal(res.status, 0, `flyte run failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as unknown;
}

describe("map, dynamic and eager examples", () => {
  for (const file of ["map-tasks", "dynamic", "eager"]) {
    test(`examples/composition/${file}.ts runs as a script`, () => {
      const res = runNode([`examples/composition/${file}.ts`]);
      assert.equal(res.status, 0, res.stderr);
      assert.notEqual(res.stdout.trim(), "");
    });
  }

  test("a lenient map run through flyte run returns null for the failed items", () => {
    assert.deepEqual(runJson("examples/composition/map-tasks.ts", "lenient", "--xs", "[1,2,3,4]"), { o0: [1, 0.5, null, 0.25] });
  });

  test("a map with too many failed items fails, naming the items and the cause", () => {
    const res = flyte("run", "examples/composition/map-tasks.ts", "lenient", "--xs", "[3,6,1]");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /2 of 3 items failed \(items 0, 1\); at least 2 had to succeed/);
    assert.match(res.stderr, /3 is a multiple of 3/);
  });

  test("a dynamic workflow and an eager workflow run through flyte run", () => {
    assert.deepEqual(runJson("examples/composition/dynamic.ts", "fan", "--n", "2"), { o0: "item-0,item-1" });
    assert.deepEqual(runJson("examples/composition/eager.ts", "smart", "--x", "5"), { o0: -1 });
  });
});

describe("flyte serialize of map, dynamic and eager entities, read with Flyte's own pb-js", () => {
  let out = "";
  let run: ProcessResult = { status: null, stdout: "", stderr: "" };
  const file = (suffix: string): Uint8Array => {
    const name = readdirSync(out).find((f) => f.replace(/^\d+_/, "") === suffix);
    assert.ok(name !== undefined, `no file *_${suffix} in ${readdirSync(out).join(", ")}`);
    return readFileSync(join(out, name));
  };
  const workflowNodes = (name: string): PbNode[] => flyteidl.admin.WorkflowSpec.decode(file(`${name}_2.pb`)).template?.nodes ?? [];
  const mapFile = (prefix: string): PbTemplate | undefined => {
    const name = readdirSync(out).find((f) => f.replace(/^\d+_/, "").startsWith(prefix));
    assert.ok(name !== undefined, `no mapped task template ${prefix}*`);
    return flyteidl.admin.TaskSpec.decode(readFileSync(join(out, name))).template;
  };

  before(() => {
    out = mkdtempSync(join(tmpdir(), "flyte-serialize-map-"));
    run = flyte("serialize", "examples/composition/map-tasks.ts", "examples/composition/dynamic.ts", "examples/composition/eager.ts", "--out", out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("the command succeeds", () => {
    assert.equal(run.status, 0, run.stderr);
  });

  test("a map task is an ArrayNode with its parallelism, success criteria and a task node inside", () => {
    const [node] = workflowNodes("greet_all");
    const array = node?.arrayNode;
    assert.ok(array !== undefined, "n0 is not an array node");
    assert.equal(array.parallelism, 10);
    assert.equal(array.minSuccessRatio, 1);
    assert.equal(array.executionMode, ArrayNode.ExecutionMode.MINIMAL_STATE);
    assert.equal(array.isOriginalSubNodeInterface?.value ?? false, false);
    assert.match(array.node?.taskNode?.referenceId?.name ?? "", /^map_say_hello_[0-9a-f]{8}$/);
    assert.deepEqual(array.node?.inputs.map((b) => b.var), ["name"]);
  });

  test("a lenient map carries its success ratio, and its task's output is a list of optionals", () => {
    const array = workflowNodes("lenient")[0]?.arrayNode;
    assert.equal(array?.minSuccessRatio, 0.5);
    const template = mapFile("map_invert_");
    assert.equal(template?.taskTypeVersion, 1);
    assert.equal(template?.interface?.inputs?.variables["x"]?.type?.collectionType?.simple, SimpleType.INTEGER);
    const item = template?.interface?.outputs?.variables["o0"]?.type?.collectionType;
    assert.deepEqual(item?.unionType?.variants.map((v) => v.simple), [SimpleType.FLOAT, SimpleType.NONE]);
    // The worker runs the subtask itself for each item.
    assert.ok(template?.container?.args.includes("invert"), "the container runs the original task");
  });

  test("bound inputs are constants listed in boundInputs and keep their type in the mapped template", () => {
    const node = workflowNodes("scaled")[0];
    assert.deepEqual(node?.arrayNode?.boundInputs, ["unit"]);
    assert.ok(node?.inputs.find((b) => b.var === "unit")?.binding?.scalar, "unit is bound to a constant");
    const template = mapFile("map_scale_");
    assert.equal(template?.interface?.inputs?.variables["unit"]?.type?.simple, SimpleType.STRING);
    assert.equal(template?.interface?.inputs?.variables["a"]?.type?.collectionType?.simple, SimpleType.INTEGER);
  });

  test("a mapped workflow is an ArrayNode over a sub-workflow node with the original interface", () => {
    const array = workflowNodes("per_city")[0]?.arrayNode;
    assert.equal(array?.node?.workflowNode?.subWorkflowRef?.name, "report_city");
    assert.equal(array?.isOriginalSubNodeInterface?.value, true);
    assert.equal(array?.executionMode, ArrayNode.ExecutionMode.FULL_STATE);
    assert.equal(array?.parallelism, 2);
    const spec = flyteidl.admin.WorkflowSpec.decode(file("per_city_2.pb"));
    assert.deepEqual(spec.subWorkflows.map((w) => w.id?.name), ["report_city"]);
  });

  test("an eager task is a task marked isEager, and a dynamic task is a plain container task", () => {
    assert.equal(flyteidl.admin.TaskSpec.decode(file("smart_1.pb")).template?.metadata?.isEager, true);
    const fan = flyteidl.admin.TaskSpec.decode(file("fan_1.pb")).template;
    assert.equal(fan?.type, "container");
    assert.equal(fan?.metadata?.isEager ?? false, false);
    assert.ok(workflowNodes("fan_wf")[0]?.taskNode !== undefined, "a dynamic task is called through a task node");
  });
});
