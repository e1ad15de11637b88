/**
 * The static shape of one execution, computed once before any node starts: nodes by index,
 * upstream counts and downstream lists (so completing a node touches only its successors), each
 * node prepared by its handler, and the bindings of the end node. Start and end nodes are virtual:
 * they are always present at indices 0 and 1 whether or not the template lists them.
 */
import type { CompiledWorkflow, CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { Binding, BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import {
  WorkflowMetadata_OnFailurePolicy,
  type Node,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { engineErrorCodes, nodeError } from "./execution-errors.ts";
import { prepareFailureNode, type FailureNodePlan } from "./failure-node.ts";
import {
  NodePreparationError,
  type ChildExecutor,
  type LaunchPlanResolver,
  type PrepareContext,
  type PreparedNode,
} from "./nodes/node-handler.ts";
import { prepareNode } from "./nodes/node-handlers.ts";

/** Id of the virtual node whose outputs are the execution inputs. */
export const START_NODE_ID = "start-node";
/** Id of the virtual node whose inputs are the execution outputs. */
export const END_NODE_ID = "end-node";
/** Index of the start node in every graph. */
export const START_INDEX = 0;
/** Index of the end node in every graph. */
export const END_INDEX = 1;

/** How the execution reacts to a failed node (flyteidl `WorkflowMetadata.OnFailurePolicy`). */
export type FailurePolicy = "FAIL_IMMEDIATELY" | "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE";

/** The prepared graph of one execution. Read-only once built; runs copy the counters. */
export interface ExecutionGraph {
  /** Node ids by index. */
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Input bindings by index; at END_INDEX, the workflow's output bindings. */
  readonly bindings: readonly (readonly Binding[])[];
  /** Prepared nodes by index; `undefined` at START_INDEX and END_INDEX. */
  readonly prepared: readonly (PreparedNode | undefined)[];
  /** Number of distinct upstream nodes, by index. */
  readonly upstreamCounts: Int32Array;
  /** Distinct downstream node indices, by index. */
  readonly downstream: readonly (readonly number[])[];
  readonly failurePolicy: FailurePolicy;
  /** The node to run when the workflow fails (`WorkflowTemplate.failure_node`); not part of the graph. */
  readonly failureNode?: FailureNodePlan | undefined;
}

/** Options that shape preparation. */
export interface GraphOptions {
  readonly systemRetries: number;
  /** For launch-plan nodes. @default none (launch-plan nodes cannot run) */
  readonly launchPlans?: LaunchPlanResolver | undefined;
  /** For launch-plan nodes. @default none */
  readonly executeChild?: ChildExecutor | undefined;
}

/**
 * Builds the graph of the closure's primary workflow.
 *
 * @throws NodePreparationError when the closure is inconsistent (no primary workflow, duplicate
 * or unknown node ids, a cycle, a missing task) or holds a node kind the engine cannot run.
 */
export function buildExecutionGraph(closure: CompiledWorkflowClosure, options: GraphOptions): ExecutionGraph {
  const primary = closure.primary;
  if (primary?.template === undefined) throw invalid("The closure has no primary workflow template.");
  return buildWorkflowGraph(primary, prepareContext(closure, options));
}

/**
 * Builds the graph of one compiled workflow of a closure (the primary or a sub-workflow). Node
 * ids stay local to the workflow; runs of nested graphs qualify them when they report events.
 *
 * @throws NodePreparationError as {@link buildExecutionGraph}.
 */
export function buildWorkflowGraph(workflow: CompiledWorkflow, context: PrepareContext): ExecutionGraph {
  const template = workflow.template;
  if (template === undefined) throw invalid("A compiled workflow of the closure has no template.");

  const ids: string[] = [START_NODE_ID, END_NODE_ID];
  const indexOf = new Map<string, number>([[START_NODE_ID, START_INDEX], [END_NODE_ID, END_INDEX]]);
  const sources: (Node | undefined)[] = [undefined, undefined];
  let endNode: Node | undefined;
  for (const node of template.nodes) {
    if (node.id === START_NODE_ID) continue;
    if (node.id === END_NODE_ID) {
      endNode = node;
      continue;
    }
    if (indexOf.has(node.id)) throw invalid(`Two nodes share the id "${node.id}"; node ids must be unique.`, node.id);
    indexOf.set(node.id, ids.length);
    ids.push(node.id);
    sources.push(node);
  }
  const size = ids.length;

  const endBindings = endNode !== undefined && endNode.inputs.length > 0 ? endNode.inputs : template.outputs;
  const bindings: (readonly Binding[])[] = new Array<readonly Binding[]>(size);
  const prepared: (PreparedNode | undefined)[] = new Array<PreparedNode | undefined>(size);
  bindings[START_INDEX] = [];
  bindings[END_INDEX] = endBindings;
  prepared[START_INDEX] = undefined;
  prepared[END_INDEX] = undefined;
  for (let i = 2; i < size; i++) {
    const node = sources[i] as Node;
    bindings[i] = node.inputs;
    prepared[i] = prepareNode(node, context);
  }

  // Upstream sets: the compiled connections (or the node's own list), plus every node a binding
  // reads from, so a hand-written closure cannot start a node before the data it reads exists.
  const upstream = workflow.connections?.upstream ?? {};
  const upstreamCounts = new Int32Array(size);
  const downstream: number[][] = Array.from({ length: size }, () => []);
  const seen = new Int32Array(size).fill(-1); // seen[u] === i: u already counted as upstream of i
  const addEdge = (from: string, to: number): void => {
    const u = indexOf.get(from === "" ? START_NODE_ID : from);
    if (u === undefined) {
      throw invalid(`Node "${ids[to]}" depends on node "${from}", which is not in the workflow.`, ids[to]);
    }
    if (u === to) throw invalid(`Node "${from}" depends on itself.`, from);
    if (seen[u] === to) return;
    seen[u] = to;
    upstreamCounts[to] = (upstreamCounts[to] as number) + 1;
    (downstream[u] as number[]).push(to);
  };
  for (let i = 1; i < size; i++) {
    const id = ids[i] as string;
    const source = i === END_INDEX ? endNode : sources[i];
    const listed = upstream[id]?.ids ?? source?.upstreamNodeIds ?? [];
    for (const from of listed) addEdge(from, i);
    for (const binding of bindings[i] as readonly Binding[]) {
      if (binding.binding !== undefined) forEachPromise(binding.binding, (from) => addEdge(from, i));
    }
    // A node inside a branch reads nodes of this graph that the branch node itself need not
    // depend on (Flyte keeps those edges on the inner node); it can only run once they are done,
    // so the branch node waits for them.
    if (source !== undefined) {
      for (const from of branchInnerDependencies(source)) if (from !== id && indexOf.has(from === "" ? START_NODE_ID : from)) addEdge(from, i);
    }
  }
  assertAcyclic(ids, upstreamCounts, downstream);
  const failureNode = prepareFailureNode(template, context);

  return {
    failureNode,
    ids,
    indexOf,
    bindings,
    prepared,
    upstreamCounts,
    downstream,
    failurePolicy:
      template.metadata?.onFailure === WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
        ? "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE"
        : "FAIL_IMMEDIATELY",
  };
}

function prepareContext(closure: CompiledWorkflowClosure, options: GraphOptions): PrepareContext {
  const tasks = new Map<string, TaskTemplate>();
  for (const compiled of closure.tasks) {
    const template = compiled.template;
    if (template?.id !== undefined) tasks.set(taskKey(template.id), template);
  }
  const subWorkflows = new Map<string, CompiledWorkflow>();
  for (const compiled of closure.subWorkflows) {
    const id = compiled.template?.id;
    if (id !== undefined) subWorkflows.set(taskKey(id), compiled);
  }
  // Each sub-workflow graph is built once per execution, however many nodes run it.
  const graphs = new Map<string, ExecutionGraph | null>();
  const context: PrepareContext = {
    findTask: (id) => tasks.get(taskKey(id)),
    systemRetries: options.systemRetries,
    prepare: (node) => prepareNode(node, context),
    subWorkflowGraph: (id) => {
      const key = taskKey(id);
      const built = graphs.get(key);
      if (built === null) throw invalid(`Sub-workflow "${id.name}" includes itself; recursion is not supported.`);
      if (built !== undefined) return built;
      const compiled = subWorkflows.get(key);
      if (compiled === undefined) {
        throw invalid(
          `Sub-workflow "${id.project}/${id.domain}/${id.name}@${id.version}" is not among the closure's sub-workflows; compile the workflow again.`,
        );
      }
      graphs.set(key, null);
      const graph = buildWorkflowGraph(compiled, context);
      graphs.set(key, graph);
      return graph;
    },
    launchPlans: options.launchPlans,
    executeChild: options.executeChild,
  };
  return context;
}

/** Tasks and sub-workflows are matched on project, domain, name and version (not org or resource type). */
function taskKey(id: Identifier): string {
  return `${id.project}\u0000${id.domain}\u0000${id.name}\u0000${id.version}`;
}

/** Nodes the nodes inside a branch node read from or must follow (nested branches included). */
function branchInnerDependencies(node: Node): string[] {
  const found: string[] = [];
  const visit = (inner: Node | undefined): void => {
    if (inner === undefined) return;
    found.push(...inner.upstreamNodeIds);
    for (const binding of inner.inputs) if (binding.binding !== undefined) forEachPromise(binding.binding, (id) => found.push(id));
    innerNodesOf(inner).forEach(visit);
  };
  innerNodesOf(node).forEach(visit);
  return found;
}

/** The nodes of a branch node's if / elif / else blocks; none for other kinds. */
function innerNodesOf(node: Node): (Node | undefined)[] {
  if (node.target.case !== "branchNode") return [];
  const ifElse = node.target.value.ifElse;
  if (ifElse === undefined) return [];
  const nodes = [ifElse.case?.thenNode, ...ifElse.other.map((b) => b.thenNode)];
  if (ifElse.default.case === "elseNode") nodes.push(ifElse.default.value);
  return nodes;
}

function forEachPromise(data: BindingData, visit: (nodeId: string) => void): void {
  const value = data.value;
  if (value.case === "promise") visit(value.value.nodeId);
  else if (value.case === "collection") for (const item of value.value.bindings) forEachPromise(item, visit);
  else if (value.case === "map") for (const item of Object.values(value.value.bindings)) forEachPromise(item, visit);
}

/** Kahn's algorithm over a copy of the counters; names the nodes left on a cycle. */
function assertAcyclic(
  ids: readonly string[],
  upstreamCounts: Int32Array,
  downstream: readonly (readonly number[])[],
): void {
  const pending = upstreamCounts.slice();
  const queue: number[] = [];
  for (let i = 0; i < pending.length; i++) if (pending[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    for (const next of downstream[queue[head] as number] as readonly number[]) {
      const left = (pending[next] as number) - 1;
      pending[next] = left;
      if (left === 0) queue.push(next);
    }
  }
  if (queue.length === ids.length) return;
  const stuck = ids.filter((_, i) => (pending[i] as number) > 0);
  const shown = stuck.slice(0, 10).map((id) => `"${id}"`).join(", ");
  throw invalid(
    `The workflow has a dependency cycle; these nodes can never start: ${shown}${stuck.length > 10 ? ", ..." : ""}.`,
  );
}

function invalid(message: string, nodeId?: string): NodePreparationError {
  return new NodePreparationError(
    nodeId === undefined
      ? { code: engineErrorCodes.invalidClosure, kind: "SYSTEM", message }
      : nodeError(engineErrorCodes.invalidClosure, "SYSTEM", message, nodeId),
  );
}
