// Round-trip tests for the flyteidl messages the project reads and writes. Each message is
// checked twice: protobuf-es alone (toBinary → fromBinary), and through Flyte's own generated
// code (@flyteorg/flyteidl's protobufjs module): our bytes → pb-js decode → pb-js encode → our
// decode. The second check is the one that matters for interoperability: a field pb-js does
// not know (wrong number, wrong wire type) is dropped on its decode and the message comes back
// different.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { create, equals, fromBinary, toBinary, type DescMessage, type JsonObject, type Message, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { LaunchPlanSchema, LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowSpecSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { DynamicJobSpecSchema } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { ContainerError_Kind, ErrorDocumentSchema } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TypedInterfaceSchema, type TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import {
  BindingDataSchema,
  BindingSchema,
  LiteralSchema,
  type Binding,
  type BindingData,
  type Literal,
  type PrimitiveSchema,
  type ScalarSchema,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { Resources_ResourceName, RuntimeMetadata_RuntimeType, TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { NodeSchema, WorkflowMetadata_OnFailurePolicy, WorkflowTemplateSchema, type Node, type WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { FLYTEIDL_VERSION } from "./index.ts";

// --- Flyte's pb-js module, typed at this one boundary -------------------------------------------

/** The static codec of one protobufjs message type (only what these tests call). */
interface PbjsType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
}

const requireCjs = createRequire(import.meta.url);
const pbjsRoot = (requireCjs("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as { flyteidl: unknown }).flyteidl;

/** Finds pb-js's codec for a fully-qualified proto name such as `flyteidl.core.Literal`. */
function pbjsType(typeName: string): PbjsType {
  const [pkg, ...path] = typeName.split(".");
  assert.equal(pkg, "flyteidl", `${typeName} is not a flyteidl message`);
  let node: unknown = pbjsRoot;
  for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
  const codec = node as Partial<PbjsType> | undefined;
  assert.ok(typeof codec?.decode === "function" && typeof codec.encode === "function", `pb-js has no message ${typeName}`);
  return codec as PbjsType;
}

// --- the two checks ------------------------------------------------------------------------------

/** One message to round-trip; `caseOf` ties the message to its schema at compile time. */
interface RoundTripCase {
  readonly name: string;
  readonly schema: DescMessage;
  readonly message: Message;
}

function caseOf<Desc extends DescMessage>(name: string, schema: Desc, message: MessageShape<Desc>): RoundTripCase {
  return { name, schema, message };
}

function assertProtobufEsRoundTrip({ schema, message }: RoundTripCase): void {
  const bytes = toBinary(schema, message);
  // An empty encoding would make every comparison below trivially true.
  assert.ok(bytes.length > 0, "the fixture encodes to no bytes");
  assert.ok(equals(schema, fromBinary(schema, bytes), message), "decoded message differs from the original");
}

/** `codec` is pb-js's codec of the same message; the self-tests pass another one to see this fail. */
function assertPbjsRoundTrip({ schema, message }: RoundTripCase, codec: PbjsType = pbjsType(schema.typeName)): void {
  const reencoded = codec.encode(codec.decode(toBinary(schema, message))).finish();
  const back = fromBinary(schema, reencoded);
  assert.ok(
    equals(schema, back, message),
    `Flyte's pb-js lost or changed data: ${toBinary(schema, message).length} bytes in, ${reencoded.length} bytes back`,
  );
}

function roundTripSuite(title: string, cases: readonly RoundTripCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      test(`${c.name} decodes to an equal message after encoding`, () => assertProtobufEsRoundTrip(c));
      test(`${c.name} survives a decode and re-encode by Flyte's own pb-js`, () => assertPbjsRoundTrip(c));
    }
  });
}

// --- fixtures ------------------------------------------------------------------------------------

// Above 2^53, so a codec that goes through a JS number would change it.
const BIG_INT = 9_007_199_254_740_993n;

const simple = (type: SimpleType): LiteralType => create(LiteralTypeSchema, { type: { case: "simple", value: type } });

const scalarLiteral = (value: NonNullable<MessageInitShape<typeof ScalarSchema>["value"]>): Literal => create(LiteralSchema, { value: { case: "scalar", value: { value } } });

const primitive = (value: NonNullable<MessageInitShape<typeof PrimitiveSchema>["value"]>): Literal =>
  scalarLiteral({ case: "primitive", value: { value } });

const intLiteral = (n: bigint): Literal => primitive({ case: "integer", value: n });
const stringLiteral = (s: string): Literal => primitive({ case: "stringValue", value: s });

const GENERIC: JsonObject = { name: "flyte", count: 3, ratio: 0.5, ok: true, nothing: null, nested: { list: [1, "two", false, null, { deep: [] }] } };

const literalCases = [
  caseOf("an integer literal beyond 2^53", LiteralSchema, intLiteral(BIG_INT)),
  caseOf("a negative integer literal", LiteralSchema, intLiteral(-42n)),
  caseOf("a float literal", LiteralSchema, primitive({ case: "floatValue", value: 3.141592653589793 })),
  caseOf("a string literal with non-ASCII text", LiteralSchema, stringLiteral("héllo, 世界 🚀")),
  caseOf("a boolean literal", LiteralSchema, primitive({ case: "boolean", value: true })),
  caseOf(
    "a datetime literal with nanoseconds",
    LiteralSchema,
    primitive({ case: "datetime", value: create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 123_456_789 }) }),
  ),
  caseOf("a duration literal", LiteralSchema, primitive({ case: "duration", value: create(DurationSchema, { seconds: 5_400n, nanos: 500_000_000 }) })),
  caseOf("a none literal", LiteralSchema, scalarLiteral({ case: "noneType", value: {} })),
  caseOf(
    "a union literal carrying its variant type",
    LiteralSchema,
    scalarLiteral({
      case: "union",
      value: {
        value: intLiteral(7n),
        type: create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER }, structure: { tag: "int" } }),
      },
    }),
  ),
  caseOf(
    "a MessagePack binary literal",
    LiteralSchema,
    scalarLiteral({ case: "binary", value: { value: new Uint8Array([0x81, 0xa1, 0x61, 0x01, 0x00, 0xff]), tag: "msgpack" } }),
  ),
  caseOf("a generic Struct literal with nested lists and nulls", LiteralSchema, scalarLiteral({ case: "generic", value: GENERIC })),
  caseOf(
    "a collection literal of collections",
    LiteralSchema,
    create(LiteralSchema, {
      value: {
        case: "collection",
        value: {
          literals: [
            create(LiteralSchema, { value: { case: "collection", value: { literals: [intLiteral(1n), intLiteral(2n)] } } }),
            create(LiteralSchema, { value: { case: "collection", value: { literals: [] } } }),
          ],
        },
      },
    }),
  ),
  caseOf(
    "a map literal with a hash and metadata",
    LiteralSchema,
    create(LiteralSchema, {
      value: { case: "map", value: { literals: { a: stringLiteral("x"), "b key": intLiteral(0n), "": stringLiteral("") } } },
      hash: "abc123",
      metadata: { source: "test" },
    }),
  ),
];

const literalTypeCases = [
  caseOf("a simple type", LiteralTypeSchema, simple(SimpleType.DATETIME)),
  caseOf("a collection type", LiteralTypeSchema, create(LiteralTypeSchema, { type: { case: "collectionType", value: simple(SimpleType.STRING) } })),
  caseOf(
    "a map type of collections",
    LiteralTypeSchema,
    create(LiteralTypeSchema, {
      type: { case: "mapValueType", value: create(LiteralTypeSchema, { type: { case: "collectionType", value: simple(SimpleType.FLOAT) } }) },
    }),
  ),
  caseOf("an enum type", LiteralTypeSchema, create(LiteralTypeSchema, { type: { case: "enumType", value: { values: ["red", "green", "blue"] } } })),
  caseOf(
    "a union type whose variants carry structure tags",
    LiteralTypeSchema,
    create(LiteralTypeSchema, {
      type: {
        case: "unionType",
        value: {
          variants: [
            create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER }, structure: { tag: "int" } }),
            create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.STRING }, structure: { tag: "str" } }),
            create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.NONE }, structure: { tag: "none" } }),
          ],
        },
      },
    }),
  ),
  caseOf(
    "a STRUCT type with JSON-schema metadata and field types",
    LiteralTypeSchema,
    create(LiteralTypeSchema, {
      type: { case: "simple", value: SimpleType.STRUCT },
      metadata: { title: "Point", type: "object", properties: { x: { type: "integer" }, y: { type: "integer" } }, required: ["x", "y"] },
      structure: { tag: "Point", dataclassType: { x: simple(SimpleType.INTEGER), y: simple(SimpleType.INTEGER) } },
    }),
  ),
];

const promise = (nodeId: string, name: string): BindingData =>
  create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: name } } });

const bindingDataCases = [
  caseOf(
    "a promise with an attribute path",
    BindingDataSchema,
    create(BindingDataSchema, {
      value: {
        case: "promise",
        value: { nodeId: "n0", var: "o0", attrPath: [{ value: { case: "stringValue", value: "points" } }, { value: { case: "intValue", value: 2 } }] },
      },
    }),
  ),
  caseOf(
    "a collection of a promise and a scalar",
    BindingDataSchema,
    create(BindingDataSchema, {
      value: { case: "collection", value: { bindings: [promise("start-node", "a"), create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 3n } } } } } })] } },
    }),
  ),
  caseOf(
    "a map of bindings",
    BindingDataSchema,
    create(BindingDataSchema, { value: { case: "map", value: { bindings: { x: promise("n1", "o0"), y: promise("n2", "o1") } } } }),
  ),
  caseOf(
    "a scalar binding",
    BindingDataSchema,
    create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "hello" } } } } } }),
  ),
];

const PLACEHOLDERS = { project: "{{ registration.project }}", domain: "{{ registration.domain }}", version: "{{ registration.version }}" };

const identifier = (resourceType: ResourceType, name: string): Identifier =>
  create(IdentifierSchema, { resourceType, name, ...PLACEHOLDERS });

const binding = (name: string, data: BindingData): Binding => create(BindingSchema, { var: name, binding: data });

const variables = (vars: Record<string, SimpleType>): { variables: Record<string, { type: LiteralType; description: string }> } => ({
  variables: Object.fromEntries(Object.entries(vars).map(([k, t]) => [k, { type: simple(t), description: k }])),
});

const t1Interface: TypedInterface = create(TypedInterfaceSchema, {
  inputs: variables({ a: SimpleType.INTEGER }),
  outputs: variables({ t1_int_output: SimpleType.INTEGER, c: SimpleType.STRING }),
});

function taskTemplate(name: string): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: identifier(ResourceType.TASK, name),
    type: "container",
    metadata: {
      discoverable: true,
      discoveryVersion: "1.0",
      cacheSerializable: true,
      cacheIgnoreInputVars: ["seed"],
      runtime: { type: RuntimeMetadata_RuntimeType.FLYTE_SDK, version: "0.1.0", flavor: "typescript" },
      timeout: create(DurationSchema, { seconds: 600n }),
      retries: { retries: 3 },
      interruptibleValue: { case: "interruptible", value: true },
      tags: { team: "ml" },
      generatesDeck: false,
    },
    interface: t1Interface,
    custom: { plugin: { threads: 4 } },
    target: {
      case: "container",
      value: {
        image: "node:24-slim",
        args: ["flyte", "execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}", "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}"],
        resources: {
          requests: [{ name: Resources_ResourceName.CPU, value: "1" }],
          limits: [{ name: Resources_ResourceName.MEMORY, value: "1Gi" }, { name: Resources_ResourceName.GPU, value: "1" }],
        },
        env: [{ key: "LOG_LEVEL", value: "debug" }],
        config: [{ key: "k", value: "v" }],
      },
    },
    config: { "resolver-version": "1" },
  });
}

function taskNode(id: string, task: string, inputs: Binding[], upstream: string[]): Node {
  return create(NodeSchema, {
    id,
    metadata: {
      name: task,
      retries: { retries: 2 },
      timeout: create(DurationSchema, { seconds: 30n }),
      cacheableValue: { case: "cacheable", value: true },
      cacheVersionValue: { case: "cacheVersion", value: "v2" },
    },
    inputs,
    upstreamNodeIds: upstream,
    target: {
      case: "taskNode",
      value: { reference: { case: "referenceId", value: identifier(ResourceType.TASK, task) }, overrides: { containerImage: "custom:1" } },
    },
  });
}

const workflowNodes = [
  taskNode("n0", "t1", [binding("a", promise("start-node", "a"))], []),
  taskNode("n1", "t2", [binding("a", promise("n0", "c")), binding("b", promise("start-node", "b"))], ["n0"]),
];

const workflowTemplate: WorkflowTemplate = create(WorkflowTemplateSchema, {
  id: identifier(ResourceType.WORKFLOW, "my_wf"),
  metadata: { onFailure: WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, tags: { owner: "me" } },
  metadataDefaults: { interruptible: true },
  interface: create(TypedInterfaceSchema, {
    inputs: variables({ a: SimpleType.INTEGER, b: SimpleType.STRING }),
    outputs: variables({ o0: SimpleType.INTEGER, o1: SimpleType.STRING }),
  }),
  nodes: workflowNodes,
  outputs: [binding("o0", promise("n0", "t1_int_output")), binding("o1", promise("n1", "o0"))],
});

const workflowCases = [
  caseOf("a workflow template with task nodes", WorkflowTemplateSchema, workflowTemplate),
  caseOf("a task template with a container and metadata", TaskTemplateSchema, taskTemplate("t1")),
  caseOf(
    "a compiled workflow closure",
    CompiledWorkflowClosureSchema,
    create(CompiledWorkflowClosureSchema, {
      primary: {
        template: workflowTemplate,
        connections: {
          downstream: { "start-node": { ids: ["n0", "n1"] }, n0: { ids: ["n1", "end-node"] }, n1: { ids: ["end-node"] } },
          upstream: { n0: { ids: ["start-node"] }, n1: { ids: ["n0", "start-node"] }, "end-node": { ids: ["n0", "n1"] } },
        },
      },
      tasks: [{ template: taskTemplate("t1") }, { template: taskTemplate("t2") }],
    }),
  ),
  caseOf(
    "a dynamic job spec",
    DynamicJobSpecSchema,
    create(DynamicJobSpecSchema, {
      nodes: workflowNodes,
      minSuccesses: 2n,
      outputs: [binding("o0", promise("n1", "o0"))],
      tasks: [taskTemplate("t1"), taskTemplate("t2")],
      subworkflows: [workflowTemplate],
    }),
  ),
  caseOf(
    "an error document",
    ErrorDocumentSchema,
    create(ErrorDocumentSchema, {
      error: {
        code: "USER:ValueError",
        message: "a must be positive\n  at t1 (workflow.ts:14)",
        kind: ContainerError_Kind.RECOVERABLE,
        origin: ExecutionError_ErrorKind.USER,
        timestamp: create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 1 }),
        worker: "worker-0",
      },
    }),
  ),
];

const adminCases = [
  caseOf("an admin task spec", TaskSpecSchema, create(TaskSpecSchema, { template: taskTemplate("t1") })),
  caseOf(
    "an admin workflow spec with a sub-workflow",
    WorkflowSpecSchema,
    create(WorkflowSpecSchema, { template: workflowTemplate, subWorkflows: [{ ...workflowTemplate, id: identifier(ResourceType.WORKFLOW, "sub") }] }),
  ),
  caseOf(
    "an admin launch plan with defaults, fixed inputs and a closure",
    LaunchPlanSchema,
    create(LaunchPlanSchema, {
      id: identifier(ResourceType.LAUNCH_PLAN, "my_wf"),
      spec: {
        workflowId: identifier(ResourceType.WORKFLOW, "my_wf"),
        defaultInputs: {
          parameters: {
            a: { var: { type: simple(SimpleType.INTEGER), description: "a" }, behavior: { case: "required", value: true } },
            b: { var: { type: simple(SimpleType.STRING), description: "b" }, behavior: { case: "default", value: stringLiteral("hello") } },
          },
        },
        fixedInputs: { literals: { c: intLiteral(BIG_INT) } },
        labels: { values: { team: "ml" } },
        annotations: { values: { note: "x" } },
        rawOutputDataConfig: { outputLocationPrefix: "s3://bucket/raw" },
        maxParallelism: 25,
        // A wrapped optional bool: false must still be written, unlike a plain proto3 bool.
        interruptible: false,
        overwriteCache: true,
      },
      closure: {
        state: LaunchPlanState.ACTIVE,
        expectedInputs: { parameters: { a: { var: { type: simple(SimpleType.INTEGER), description: "" }, behavior: { case: "required", value: true } } } },
        expectedOutputs: variables({ o0: SimpleType.INTEGER }),
      },
    }),
  ),
];

// --- tests ---------------------------------------------------------------------------------------

roundTripSuite("core Literal", literalCases);
roundTripSuite("core LiteralType", literalTypeCases);
roundTripSuite("core BindingData", bindingDataCases);
roundTripSuite("workflow, task and runtime messages", workflowCases);
roundTripSuite("admin specs", adminCases);

describe("the round-trip checks themselves", () => {
  test("equals notices a change deep inside a generic Struct", () => {
    // Guards against a comparison that is vacuously true, e.g. one that ignores Struct fields.
    const changed = scalarLiteral({ case: "generic", value: { ...GENERIC, nested: { list: [1, "two", true, null, { deep: [] }] } } });
    assert.equal(equals(LiteralSchema, changed, scalarLiteral({ case: "generic", value: GENERIC })), false);
  });

  test("Flyte's pb-js reads a 64-bit integer with the same value", () => {
    // The pb-js round trip only proves nothing was lost; this proves pb-js reads the value we meant.
    const decoded = pbjsType("flyteidl.core.Literal").decode(toBinary(LiteralSchema, intLiteral(BIG_INT)));
    const integer = (decoded as { scalar?: { primitive?: { integer?: { toString(): string } } } }).scalar?.primitive?.integer;
    assert.equal(integer?.toString(), BIG_INT.toString());
  });

  test("the pb-js check fails when Flyte's codec does not know the fields we write", () => {
    // pb-js's Void has no fields, so it drops every field of the literal on decode.
    const c = caseOf("an integer literal", LiteralSchema, intLiteral(1n));
    assert.throws(() => assertPbjsRoundTrip(c, pbjsType("flyteidl.core.Void")), /pb-js lost or changed data/);
  });

  test("FLYTEIDL_VERSION matches the installed @flyteorg/flyteidl", () => {
    const pkg = requireCjs("@flyteorg/flyteidl/package.json") as { version: string };
    assert.equal(FLYTEIDL_VERSION, pkg.version);
  });
});
