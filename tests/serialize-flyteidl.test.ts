// `flyte serialize` end to end, read back with Flyte's OWN generated code (the protobufjs module
// in @flyteorg/flyteidl) rather than ours, so the files are checked the way flytectl and
// flyteadmin will see them: ids with registration placeholders, interfaces, container args,
// the workflow graph and the default launch plan (flyte-semantics.md §5.2).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { equals, fromBinary, type DescMessage } from "@bufbuild/protobuf";
import { LaunchPlanSchema } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowSpecSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { flyte, type ProcessResult } from "./helpers.ts";

// --- Flyte's pb-js module: only the fields these tests read, typed at this one boundary ----------
// Decoded pb-js messages keep proto3 defaults on their prototype, so reading a field that was not
// on the wire gives its default (0, "", []) just like other proto3 readers.

interface PbIdentifier {
  resourceType: number;
  project: string;
  domain: string;
  name: string;
  version: string;
}
interface PbLiteralType {
  simple: number;
}
interface PbVariableMap {
  variables: Record<string, { type?: PbLiteralType }>;
}
interface PbInterface {
  inputs?: PbVariableMap;
  outputs?: PbVariableMap;
}
interface PbTaskSpec {
  template?: {
    id?: PbIdentifier;
    type: string;
    interface?: PbInterface;
    metadata?: { runtime?: { type: number; flavor: string; version: string } };
    container?: { image: string; args: string[] };
  };
}
interface PbBinding {
  var: string;
  binding?: { promise?: { nodeId: string; var: string } };
}
interface PbNode {
  id: string;
  inputs: PbBinding[];
  upstreamNodeIds: string[];
  taskNode?: { referenceId?: PbIdentifier };
}
interface PbWorkflowSpec {
  template?: { id?: PbIdentifier; interface?: PbInterface; nodes: PbNode[]; outputs: PbBinding[] };
}
interface PbParameter {
  var?: { type?: PbLiteralType };
  required: boolean;
  default?: unknown;
}
interface PbLaunchPlan {
  id?: PbIdentifier;
  spec?: { workflowId?: PbIdentifier; defaultInputs?: { parameters: Record<string, PbParameter> }; fixedInputs?: { literals: Record<string, unknown> } };
}
interface PbCodec<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}
interface PbFlyteIdl {
  core: { ResourceType: Record<"TASK" | "WORKFLOW" | "LAUNCH_PLAN", number>; SimpleType: Record<"INTEGER" | "STRING", number>; RuntimeMetadata: { RuntimeType: Record<"FLYTE_SDK", number> } };
  admin: { TaskSpec: PbCodec<PbTaskSpec>; WorkflowSpec: PbCodec<PbWorkflowSpec>; LaunchPlan: PbCodec<PbLaunchPlan> };
}

const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as { flyteidl: PbFlyteIdl };
const { ResourceType, SimpleType } = flyteidl.core;

// --- helpers -------------------------------------------------------------------------------------

const PLACEHOLDERS = { project: "{{ registration.project }}", domain: "{{ registration.domain }}", version: "{{ registration.version }}" };

/** An identifier as a plain object (pb-js objects carry defaults on their prototype). */
function plainId(id: PbIdentifier | undefined): PbIdentifier | undefined {
  return id === undefined ? undefined : { resourceType: id.resourceType, project: id.project, domain: id.domain, name: id.name, version: id.version };
}

const expectedId = (resourceType: number, name: string): PbIdentifier => ({ resourceType, name, ...PLACEHOLDERS });

/** `{ name: SimpleType }` of a variable map, for one-line comparisons. */
function simpleTypes(map: PbVariableMap | undefined): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(map?.variables ?? {}).map(([name, v]) => [name, v.type?.simple]));
}

/** `var ← node.output` of each binding that is a promise. */
function promises(bindings: readonly PbBinding[]): string[] {
  return bindings.map((b) => `${b.var} ← ${b.binding?.promise?.nodeId}.${b.binding?.promise?.var}`);
}

/** The argument following `flag` in a container's args. */
function argAfter(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

// --- tests ---------------------------------------------------------------------------------------

describe("flyte serialize examples/basics/workflow.ts, read with Flyte's own pb-js", () => {
  let out = "";
  let run: ProcessResult = { status: null, stdout: "", stderr: "" };
  const read = (file: string): Uint8Array => readFileSync(join(out, file));

  before(() => {
    out = mkdtempSync(join(tmpdir(), "flyte-serialize-"));
    run = flyte("serialize", "examples/basics/workflow.ts", "--out", out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("the command succeeds and writes one file per task, workflow and launch plan", () => {
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), ["0_t1_1.pb", "1_t2_1.pb", "2_my_wf_2.pb", "3_my_wf_3.pb"]);
  });

  test("every file decodes with Flyte's codec and nothing is lost re-encoding it", () => {
    // pb-js drops fields it does not know; a loss here means flyteadmin would not see them.
    const files: [string, DescMessage, PbCodec<object>][] = [
      ["0_t1_1.pb", TaskSpecSchema, flyteidl.admin.TaskSpec],
      ["1_t2_1.pb", TaskSpecSchema, flyteidl.admin.TaskSpec],
      ["2_my_wf_2.pb", WorkflowSpecSchema, flyteidl.admin.WorkflowSpec],
      ["3_my_wf_3.pb", LaunchPlanSchema, flyteidl.admin.LaunchPlan],
    ];
    for (const [file, schema, codec] of files) {
      const bytes = read(file);
      const reencoded = codec.encode(codec.decode(bytes)).finish();
      assert.ok(equals(schema, fromBinary(schema, reencoded), fromBinary(schema, bytes)), `${file} changed going through pb-js`);
    }
  });

  test("task specs carry TASK ids with registration placeholders and the SDK's runtime metadata", () => {
    for (const name of ["t1", "t2"]) {
      const template = flyteidl.admin.TaskSpec.decode(read(name === "t1" ? "0_t1_1.pb" : "1_t2_1.pb")).template;
      assert.deepEqual(plainId(template?.id), expectedId(ResourceType.TASK, name));
      assert.equal(template?.metadata?.runtime?.type, flyteidl.core.RuntimeMetadata.RuntimeType.FLYTE_SDK);
      assert.equal(template?.metadata?.runtime?.flavor, "typescript");
    }
  });

  test("task interfaces list each input and named output with its simple type", () => {
    const t1 = flyteidl.admin.TaskSpec.decode(read("0_t1_1.pb")).template?.interface;
    assert.deepEqual(simpleTypes(t1?.inputs), { a: SimpleType.INTEGER });
    assert.deepEqual(simpleTypes(t1?.outputs), { t1_int_output: SimpleType.INTEGER, c: SimpleType.STRING });
    const t2 = flyteidl.admin.TaskSpec.decode(read("1_t2_1.pb")).template?.interface;
    assert.deepEqual(simpleTypes(t2?.inputs), { a: SimpleType.STRING, b: SimpleType.STRING });
    assert.deepEqual(simpleTypes(t2?.outputs), { o0: SimpleType.STRING });
  });

  test("container args pass the backend's per-attempt placeholders after their flags", () => {
    for (const [file, name] of [["0_t1_1.pb", "t1"], ["1_t2_1.pb", "t2"]] as const) {
      const container = flyteidl.admin.TaskSpec.decode(read(file)).template?.container;
      const args = container?.args ?? [];
      assert.ok(container !== undefined && container.image !== "", `${name} has no container image`);
      assert.equal(argAfter(args, "--inputs"), "{{.input}}");
      assert.equal(argAfter(args, "--output-prefix"), "{{.outputPrefix}}");
      assert.equal(argAfter(args, "--raw-output-data-prefix"), "{{.rawOutputDataPrefix}}");
      // The worker finds the task to run from this; a wrong name runs the wrong code.
      assert.equal(argAfter(args, "task-name"), name);
    }
  });

  test("the workflow spec has a WORKFLOW id and the interface a/b → o0/o1", () => {
    const template = flyteidl.admin.WorkflowSpec.decode(read("2_my_wf_2.pb")).template;
    assert.deepEqual(plainId(template?.id), expectedId(ResourceType.WORKFLOW, "my_wf"));
    assert.deepEqual(simpleTypes(template?.interface?.inputs), { a: SimpleType.INTEGER, b: SimpleType.STRING });
    assert.deepEqual(simpleTypes(template?.interface?.outputs), { o0: SimpleType.INTEGER, o1: SimpleType.STRING });
  });

  test("workflow nodes reference their tasks and bind inputs to the start node and upstream outputs", () => {
    const nodes = flyteidl.admin.WorkflowSpec.decode(read("2_my_wf_2.pb")).template?.nodes ?? [];
    assert.deepEqual(
      nodes.map((n) => n.id),
      ["n0", "n1"],
    );
    const [n0, n1] = nodes;
    assert.deepEqual(plainId(n0?.taskNode?.referenceId), expectedId(ResourceType.TASK, "t1"));
    assert.deepEqual(plainId(n1?.taskNode?.referenceId), expectedId(ResourceType.TASK, "t2"));
    assert.deepEqual(promises(n0?.inputs ?? []), ["a ← start-node.a"]);
    assert.deepEqual(promises(n1?.inputs ?? []).sort(), ["a ← n0.c", "b ← start-node.b"]);
    assert.deepEqual([...(n0?.upstreamNodeIds ?? [])], []);
    assert.deepEqual([...(n1?.upstreamNodeIds ?? [])], ["n0"]);
  });

  test("workflow outputs bind o0 and o1 to the nodes' outputs", () => {
    const outputs = flyteidl.admin.WorkflowSpec.decode(read("2_my_wf_2.pb")).template?.outputs ?? [];
    assert.deepEqual(promises(outputs), ["o0 ← n0.t1_int_output", "o1 ← n1.o0"]);
  });

  test("the default launch plan points at the workflow and requires both inputs", () => {
    const lp = flyteidl.admin.LaunchPlan.decode(read("3_my_wf_3.pb"));
    assert.deepEqual(plainId(lp.id), expectedId(ResourceType.LAUNCH_PLAN, "my_wf"));
    assert.deepEqual(plainId(lp.spec?.workflowId), expectedId(ResourceType.WORKFLOW, "my_wf"));
    const parameters = lp.spec?.defaultInputs?.parameters ?? {};
    assert.deepEqual(Object.keys(parameters).sort(), ["a", "b"]);
    assert.equal(parameters["a"]?.required, true);
    assert.equal(parameters["a"]?.var?.type?.simple, SimpleType.INTEGER);
    assert.equal(parameters["b"]?.required, true);
    assert.equal(parameters["b"]?.var?.type?.simple, SimpleType.STRING);
    assert.deepEqual(Object.keys(lp.spec?.fixedInputs?.literals ?? {}), []);
  });
});

describe("flyte serialize of a file that does not exist", () => {
  test("exits non-zero, names the file on stderr and writes nothing", () => {
    const out = mkdtempSync(join(tmpdir(), "flyte-serialize-missing-"));
    try {
      const target = join(out, "pb");
      const res = flyte("serialize", "examples/basics/no-such-file.ts", "--out", target);
      // null would mean the process was killed (e.g. a timeout), which is not the failure under test.
      assert.ok(res.status !== null && res.status !== 0, `exit status ${res.status}`);
      assert.match(res.stderr, /examples\/basics\/no-such-file\.ts/);
      assert.ok(!existsSync(target) || readdirSync(target).length === 0, "files were written for a failed serialize");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
