/**
 * Small builders for compiler tests: IDL messages with one line each instead of nested `create` calls.
 * Test support only; not exported from the package.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import {
  TypedInterfaceSchema,
  VariableMapSchema,
  VariableSchema,
  type TypedInterface,
  type Variable,
} from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import {
  BindingDataCollectionSchema,
  BindingDataMapSchema,
  BindingDataSchema,
  BindingSchema,
  PrimitiveSchema,
  ScalarSchema,
  VoidSchema,
  type Binding,
  type BindingData,
  type Primitive,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { BooleanExpressionSchema } from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import {
  BlobTypeSchema,
  ErrorSchema,
  EnumTypeSchema,
  LiteralTypeSchema,
  OutputReferenceSchema,
  PromiseAttributeSchema,
  SimpleType,
  TypeStructureSchema,
  UnionTypeSchema,
  type LiteralType,
} from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import {
  BranchNodeSchema,
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
  TaskNodeSchema,
  WorkflowNodeSchema,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";

/** An identifier in project `p`, domain `d`, version `v1`. */
export function ident(kind: ResourceType, name: string): Identifier {
  return create(IdentifierSchema, { resourceType: kind, project: "p", domain: "d", name, version: "v1" });
}

/** Simple literal types used throughout the tests. */
export const INT = simple(SimpleType.INTEGER);
export const FLOAT = simple(SimpleType.FLOAT);
export const STR = simple(SimpleType.STRING);
export const BOOL = simple(SimpleType.BOOLEAN);
export const NONE = simple(SimpleType.NONE);

/** A simple literal type. */
export function simple(s: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value: s } });
}
/** `list<t>`. */
export function list(t: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "collectionType", value: t } });
}
/** `map<string, t>`. */
export function dict(t: LiteralType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "mapValueType", value: t } });
}
/** A union of the given variants. */
export function union(...variants: LiteralType[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "unionType", value: create(UnionTypeSchema, { variants }) } });
}
/** An enum of the given values. */
export function enumOf(...values: string[]): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "enumType", value: create(EnumTypeSchema, { values }) } });
}
/** A single-file blob type of the given format (`""` for any). */
export function blob(format: string): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "blob", value: create(BlobTypeSchema, { format }) } });
}
/** A copy of `t` with a union variant tag. */
export function tagged(t: LiteralType, tag: string): LiteralType {
  return create(LiteralTypeSchema, { ...t, structure: create(TypeStructureSchema, { tag }) });
}
/** A STRUCT type with an optional JSON schema and optional per-field types (for attribute access). */
export function struct(schema?: JsonObject, fields?: Record<string, LiteralType>): LiteralType {
  return create(LiteralTypeSchema, {
    type: { case: "simple", value: SimpleType.STRUCT },
    ...(schema === undefined ? {} : { metadata: schema }),
    ...(fields === undefined ? {} : { structure: create(TypeStructureSchema, { dataclassType: fields }) }),
  });
}

/** Variables from a name → type record. */
export function variables(types: Record<string, LiteralType>): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  for (const [k, t] of Object.entries(types)) out[k] = create(VariableSchema, { type: t });
  return out;
}
/** A typed interface from name → type records. */
export function iface(inputs: Record<string, LiteralType>, outputs: Record<string, LiteralType>): TypedInterface {
  return create(TypedInterfaceSchema, {
    inputs: create(VariableMapSchema, { variables: variables(inputs) }),
    outputs: create(VariableMapSchema, { variables: variables(outputs) }),
  });
}
/** A task template named `name` with the given interface. */
export function task(name: string, inputs: Record<string, LiteralType>, outputs: Record<string, LiteralType>): TaskTemplate {
  return create(TaskTemplateSchema, { id: ident(ResourceType.TASK, name), type: "python-task", interface: iface(inputs, outputs) });
}

/** A promise binding to output `v` of `nodeId`, optionally with an attribute path. */
export function promise(nodeId: string, v: string, ...path: (string | number)[]): BindingData {
  const attrPath = path.map((p) =>
    create(PromiseAttributeSchema, {
      value: typeof p === "number" ? { case: "intValue", value: p } : { case: "stringValue", value: p },
    }),
  );
  return create(BindingDataSchema, { value: { case: "promise", value: create(OutputReferenceSchema, { nodeId, var: v, attrPath }) } });
}
function primitive(value: Primitive["value"]): BindingData {
  return create(BindingDataSchema, {
    value: { case: "scalar", value: create(ScalarSchema, { value: { case: "primitive", value: create(PrimitiveSchema, { value }) } }) },
  });
}
/** An INTEGER constant binding. */
export function intLit(n: number): BindingData {
  return primitive({ case: "integer", value: BigInt(n) });
}
/** A FLOAT constant binding. */
export function floatLit(x: number): BindingData {
  return primitive({ case: "floatValue", value: x });
}
/** A STRING constant binding. */
export function strLit(s: string): BindingData {
  return primitive({ case: "stringValue", value: s });
}
/** The none constant binding. */
export function noneLit(): BindingData {
  return create(BindingDataSchema, {
    value: { case: "scalar", value: create(ScalarSchema, { value: { case: "noneType", value: create(VoidSchema) } }) },
  });
}
/** A list of bindings. */
export function listOf(...items: BindingData[]): BindingData {
  return create(BindingDataSchema, { value: { case: "collection", value: create(BindingDataCollectionSchema, { bindings: items }) } });
}
/** A map of bindings. */
export function mapOf(items: Record<string, BindingData>): BindingData {
  return create(BindingDataSchema, { value: { case: "map", value: create(BindingDataMapSchema, { bindings: items }) } });
}
/** A binding of variable `v`. */
export function bind(v: string, data: BindingData): Binding {
  return create(BindingSchema, { var: v, binding: data });
}

/** A task node running task `taskName` with the given input bindings. */
export function taskNode(id: string, taskName: string, inputs: Record<string, BindingData> = {}, upstreamNodeIds: string[] = []): Node {
  return create(NodeSchema, {
    id,
    inputs: Object.entries(inputs).map(([k, d]) => bind(k, d)),
    upstreamNodeIds,
    target: { case: "taskNode", value: create(TaskNodeSchema, { reference: { case: "referenceId", value: ident(ResourceType.TASK, taskName) } }) },
  });
}
/** A node running sub-workflow `wfName`. */
export function subWorkflowNode(id: string, wfName: string, inputs: Record<string, BindingData> = {}): Node {
  return create(NodeSchema, {
    id,
    inputs: Object.entries(inputs).map(([k, d]) => bind(k, d)),
    target: {
      case: "workflowNode",
      value: create(WorkflowNodeSchema, { reference: { case: "subWorkflowRef", value: ident(ResourceType.WORKFLOW, wfName) } }),
    },
  });
}
/** A node launching launch plan `lpName`. */
export function launchPlanNode(id: string, lpName: string, inputs: Record<string, BindingData> = {}): Node {
  return create(NodeSchema, {
    id,
    inputs: Object.entries(inputs).map(([k, d]) => bind(k, d)),
    target: {
      case: "workflowNode",
      value: create(WorkflowNodeSchema, { reference: { case: "launchplanRef", value: ident(ResourceType.LAUNCH_PLAN, lpName) } }),
    },
  });
}

/** What `workflow()` needs: interface types, nodes and output bindings. */
export interface WorkflowSpec {
  readonly inputs?: Record<string, LiteralType>;
  readonly outputs?: Record<string, LiteralType>;
  readonly nodes: Node[];
  readonly bindings?: Record<string, BindingData>;
}
/** A workflow template named `name`. */
export function workflow(name: string, spec: WorkflowSpec): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: ident(ResourceType.WORKFLOW, name),
    interface: iface(spec.inputs ?? {}, spec.outputs ?? {}),
    nodes: spec.nodes,
    outputs: Object.entries(spec.bindings ?? {}).map(([k, d]) => bind(k, d)),
  });
}

/** Tasks used across tests: `inc` (x:int → o0:int), `half` (x:float → o0:float), `greet` (name:str → o0:str). */
export const TASKS: readonly TaskTemplate[] = [
  task("inc", { x: INT }, { o0: INT }),
  task("half", { x: FLOAT }, { o0: FLOAT }),
  task("greet", { name: STR }, { o0: STR }),
];

/** A branch node `id`: if (an empty condition) then `thenNode`, else `elseNode` or, without one, an error. */
export function branch(id: string, thenNode: Node, elseNode: Node | undefined, inputs = [] as ReturnType<typeof bind>[]): Node {
  return create(NodeSchema, {
    id,
    inputs,
    target: {
      case: "branchNode",
      value: create(BranchNodeSchema, {
        ifElse: create(IfElseBlockSchema, {
          case: create(IfBlockSchema, { condition: create(BooleanExpressionSchema), thenNode }),
          default:
            elseNode === undefined
              ? { case: "error", value: create(ErrorSchema, { message: "no branch matched" }) }
              : { case: "elseNode", value: elseNode },
        }),
      }),
    },
  });
}
