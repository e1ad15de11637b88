/**
 * Builds compiled workflow closures by hand for the engine's tests (no compiler involved):
 * explicit start and end nodes, connections derived from the bindings, as the compiler emits them.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  CompiledWorkflowClosureSchema,
  type CompiledWorkflowClosure,
} from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { ResourceType, type IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { BindingDataSchema, type BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { WorkflowMetadata_OnFailurePolicy, NodeSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";

/** A promise on an upstream output, with an optional attribute path. */
export interface Ref {
  readonly from: string;
  readonly output: string;
  readonly path?: readonly (string | number)[];
}

/** Right-hand side of a test binding: a promise, an integer constant, or raw binding data. */
export type BindingSpec = Ref | number | BindingData;

/** A task in a test closure. */
export interface TaskSpec {
  readonly name: string;
  readonly retries?: number;
  readonly timeoutMs?: number;
}

/** A task node in a test closure. */
export interface NodeSpec {
  readonly id: string;
  readonly task: string;
  readonly inputs?: Readonly<Record<string, BindingSpec>>;
  /** Extra execution-order dependencies besides the ones the bindings imply. */
  readonly after?: readonly string[];
  /** Node-level overrides of the task's settings. */
  readonly retries?: number;
  readonly timeoutMs?: number;
}

/** A whole test workflow. */
export interface WorkflowSpec {
  readonly tasks: readonly TaskSpec[];
  readonly nodes: readonly NodeSpec[];
  readonly outputs?: Readonly<Record<string, BindingSpec>>;
  readonly onFailure?: WorkflowMetadata_OnFailurePolicy;
  /** Raw nodes appended as they are (for unsupported kinds). */
  readonly rawNodes?: readonly MessageInitShape<typeof NodeSchema>[];
}

/** Reference to an output of a node (or of `start-node`, i.e. a workflow input). */
export function ref(from: string, output: string, path?: readonly (string | number)[]): Ref {
  return path === undefined ? { from, output } : { from, output, path };
}

/** Builds the closure of a test workflow. */
export function buildClosure(spec: WorkflowSpec): CompiledWorkflowClosure {
  const upstream: Record<string, { ids: string[] }> = {};
  const downstream: Record<string, { ids: string[] }> = {};
  const connect = (from: string, to: string): void => {
    const ups = (upstream[to] ??= { ids: [] }).ids;
    if (!ups.includes(from)) ups.push(from);
    const downs = (downstream[from] ??= { ids: [] }).ids;
    if (!downs.includes(to)) downs.push(to);
  };
  const nodes = spec.nodes.map((node) => {
    const inputs = Object.entries(node.inputs ?? {}).map(([name, value]) => {
      const binding = toBindingData(value);
      for (const from of promiseSources(binding)) connect(from, node.id);
      return { var: name, binding };
    });
    for (const from of node.after ?? []) connect(from, node.id);
    if (upstream[node.id] === undefined) connect("start-node", node.id);
    return {
      id: node.id,
      upstreamNodeIds: upstream[node.id]?.ids ?? [],
      inputs,
      metadata: {
        name: node.id,
        ...(node.retries === undefined ? {} : { retries: { retries: node.retries } }),
        ...(node.timeoutMs === undefined ? {} : { timeout: millis(node.timeoutMs) }),
      },
      target: { case: "taskNode" as const, value: { reference: { case: "referenceId" as const, value: taskId(node.task) } } },
    };
  });
  const outputs = Object.entries(spec.outputs ?? {}).map(([name, value]) => {
    const binding = toBindingData(value);
    for (const from of promiseSources(binding)) connect(from, "end-node");
    return { var: name, binding };
  });
  // Leaf nodes end at the end node, so every node is on a path from start to end.
  for (const node of spec.nodes) if (downstream[node.id] === undefined) connect(node.id, "end-node");
  return create(CompiledWorkflowClosureSchema, {
    primary: {
      template: {
        id: { resourceType: ResourceType.WORKFLOW, project: "p", domain: "d", name: "wf", version: "v1" },
        metadata: { onFailure: spec.onFailure ?? 0 },
        nodes: [
          { id: "start-node" },
          ...nodes,
          ...(spec.rawNodes ?? []),
          { id: "end-node", upstreamNodeIds: upstream["end-node"]?.ids ?? [], inputs: outputs },
        ],
        outputs,
      },
      connections: { upstream, downstream },
    },
    tasks: spec.tasks.map((task) => ({
      template: {
        id: taskId(task.name),
        type: "python-task",
        metadata: {
          ...(task.retries === undefined ? {} : { retries: { retries: task.retries } }),
          ...(task.timeoutMs === undefined ? {} : { timeout: millis(task.timeoutMs) }),
        },
      },
    })),
  });
}

/** start → n0 → n1 → … → n{length-1} → end; each node runs `task` on the previous `o0`. */
export function chainClosure(length: number, task = "inc"): CompiledWorkflowClosure {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < length; i++) {
    nodes.push({ id: `n${i}`, task, inputs: { x: i === 0 ? ref("start-node", "x") : ref(`n${i - 1}`, "o0") } });
  }
  return buildClosure({ tasks: [{ name: task }], nodes, outputs: { o0: ref(`n${length - 1}`, "o0") } });
}

/** start → a → (b, c) → d → end, with d summing b and c. */
export function diamondClosure(): CompiledWorkflowClosure {
  return buildClosure({
    tasks: [{ name: "inc" }, { name: "double" }, { name: "add" }],
    nodes: [
      { id: "a", task: "inc", inputs: { x: ref("start-node", "x") } },
      { id: "b", task: "inc", inputs: { x: ref("a", "o0") } },
      { id: "c", task: "double", inputs: { x: ref("a", "o0") } },
      { id: "d", task: "add", inputs: { x: ref("b", "o0"), y: ref("c", "o0") } },
    ],
    outputs: { o0: ref("d", "o0") },
  });
}

/** start → n0 … n{width-1} (each `inc` of x) → sum node → end. */
export function fanOutClosure(width: number): CompiledWorkflowClosure {
  const nodes: NodeSpec[] = [];
  const collection: BindingData[] = [];
  for (let i = 0; i < width; i++) {
    nodes.push({ id: `n${i}`, task: "inc", inputs: { x: ref("start-node", "x") } });
    collection.push(toBindingData(ref(`n${i}`, "o0")));
  }
  nodes.push({
    id: "sum",
    task: "sum",
    inputs: { xs: create(BindingDataSchema, { value: { case: "collection", value: { bindings: collection } } }) },
  });
  return buildClosure({ tasks: [{ name: "inc" }, { name: "sum" }], nodes, outputs: { o0: ref("sum", "o0") } });
}

function taskId(name: string): MessageInitShape<typeof IdentifierSchema> {
  return { resourceType: ResourceType.TASK, project: "p", domain: "d", name, version: "v1" };
}

function millis(ms: number): { seconds: bigint; nanos: number } {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function toBindingData(spec: BindingSpec): BindingData {
  if (typeof spec === "number") {
    return create(BindingDataSchema, {
      value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(spec) } } } } },
    });
  }
  if ("$typeName" in spec) return spec;
  return create(BindingDataSchema, {
    value: {
      case: "promise",
      value: {
        nodeId: spec.from,
        var: spec.output,
        attrPath: (spec.path ?? []).map((attr) =>
          typeof attr === "number"
            ? { value: { case: "intValue" as const, value: attr } }
            : { value: { case: "stringValue" as const, value: attr } },
        ),
      },
    },
  });
}

function promiseSources(data: BindingData): string[] {
  const value = data.value;
  if (value.case === "promise") return [value.value.nodeId];
  if (value.case === "collection") return value.value.bindings.flatMap(promiseSources);
  if (value.case === "map") return Object.values(value.value.bindings).flatMap(promiseSources);
  return [];
}
