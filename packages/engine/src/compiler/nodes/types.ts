/**
 * The contract between the workflow compiler and the per-kind node compilers (task, workflow,
 * branch, array, gate). A node compiler resolves what a node looks like from outside — the inputs
 * its bindings must satisfy and the outputs downstream nodes may use — and checks anything inside
 * the node (inner nodes of branches and arrays).
 */
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { Scope } from "../diagnostics.ts";

/** Variables by name, as in `VariableMap.variables`. */
export type Variables = Readonly<Record<string, Variable>>;

/** How a node's input bindings are checked. */
export type InputCheck =
  /** Against `inputs`: names must exist, every input bound once, types must fit. */
  | "typed"
  /** Only that promises point at existing nodes and outputs (free-form inputs, unknown targets). */
  | "references";

/** What the workflow compiler needs to know about one node. */
export interface ResolvedNode {
  /** A readable description for messages, e.g. `task my.module.add`. */
  readonly label: string;
  /** The inputs the node's bindings are checked against when `inputCheck` is `"typed"`. */
  readonly inputs: Variables | undefined;
  readonly inputCheck: InputCheck;
  /** Inputs that may be left unbound (launch-plan inputs with defaults). */
  readonly optionalInputs?: ReadonlySet<string>;
  /**
   * The outputs downstream bindings may reference, or `undefined` when they cannot be known (the
   * target is missing; a diagnostic has already been reported). Computed on demand because some
   * kinds (approve gates) take their outputs from their upstream nodes.
   */
  outputs(): Variables | undefined;
  /** Checks inside the node (inner nodes); records data dependencies into `upstream`. */
  checkInner?(scope: Scope, upstream: Set<string>): void;
}

/** A launch plan the compiler may resolve `WorkflowNode.launchplanRef` against. */
export interface LaunchPlanInterface {
  readonly id: Identifier;
  readonly interface: TypedInterface;
  /**
   * Inputs a node may leave unbound because the launch plan has a default for them. Without it
   * every input of `interface` must be bound.
   */
  readonly defaultInputs?: readonly string[];
}

/** Everything a node compiler may consult or trigger. */
export interface NodeEnv {
  /** Looks up a task by reference and records it for the closure. */
  task(id: Identifier): TaskTemplate | undefined;
  /** Looks up a sub-workflow template by reference. */
  subWorkflow(id: Identifier): WorkflowTemplate | undefined;
  /** Compiles a referenced sub-workflow (once) and records it for the closure. */
  compileSubWorkflow(template: WorkflowTemplate, scope: Scope): void;
  /** Looks up a launch plan by reference and records it for the closure. */
  launchPlan(id: Identifier): LaunchPlanInterface | undefined;
  /** Resolves any node, dispatching on its kind; used for inner nodes. */
  resolve(node: Node, scope: Scope): ResolvedNode;
  /**
   * Checks a node's bindings against its resolved inputs and its inner nodes; promise targets are
   * added to `upstream`. Used for inner nodes, whose dependencies belong to the outer node.
   */
  checkNode(node: Node, resolved: ResolvedNode, scope: Scope, upstream: Set<string>): void;
  /**
   * Records a node inside a branch (under its compiled id) with the data dependencies found in
   * it: they become its own upstream entry of the connections and delay the enclosing top-level
   * node in cycle detection. Its explicit `upstreamNodeIds` are checked and added here.
   */
  recordInnerNode(node: Node, scope: Scope, upstream: ReadonlySet<string>): void;
  /** Outputs of a node of the enclosing workflow: `undefined` if there is no such node, `null` if unknown. */
  outputsOf(nodeId: string): Variables | null | undefined;
  /** A readable description of a node of the enclosing workflow, e.g. `node n0 (task add)`. */
  labelOf(nodeId: string): string;
}

/** A compiler for one node kind; `target` is the value of the node's `target` oneof. */
export type NodeKindCompiler<T> = (node: Node, target: T, scope: Scope, env: NodeEnv) => ResolvedNode;
