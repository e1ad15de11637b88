/**
 * The seam between the graph scheduler (scheduling, failure policy, events) and the code that
 * knows how to run one kind of node. One file per node kind implements {@link NodeHandler};
 * task, branch, sub-workflow, launch plan, array, gate, dynamic and eager handlers implement it.
 */
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { CacheStatus, Catalog } from "../../runtime/catalog.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import type { SignalSource } from "../../runtime/signals.ts";
import type { TaskRunner } from "../../runtime/task-runner.ts";
import type { ExecutionGraph } from "../execution-graph.ts";
import type { ExecutionResult } from "../execution-result.ts";

/** The kinds of node a workflow can hold (the cases of flyteidl `Node.target`). */
export type NodeKind = NonNullable<Node["target"]["case"]>;

/** Terminal phases a handler may end a node in; ABORTED is decided by the run, not the handler. */
export type NodeFailurePhase = "FAILED" | "TIMED_OUT";

/**
 * What a running node sees of its execution. One object per execution, shared by all nodes:
 * handlers address their node by index, so starting a node allocates nothing for the context.
 */
export interface NodeRuntime {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  /** Aborted when the execution ends early (terminated, or failed under FAIL_IMMEDIATELY). */
  readonly signal: AbortSignal;
  /** Fully qualified id of the node at `index`. */
  nodeId(index: number): string;
  /** Records an event (task attempts; node events are the run's job). */
  emit(event: ExecutionEvent): void;
  /** Ends the node successfully. Ignored once the node or the execution has ended. */
  succeed(index: number, outputs: LiteralMap, details?: NodeEventDetails): void;
  /** Ends the node with a failure. Ignored once the node or the execution has ended. */
  fail(index: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails): void;
  /**
   * The engine's optional services (cache, signals). Nested runtimes (sub-graphs, branches)
   * forward their parent's. @default none: caching disabled, gates waiting for signals fail
   */
  readonly services?: NodeServices | undefined;
  /**
   * Ends the node SKIPPED (it must not run, e.g. a branch that was not taken). Nodes downstream of
   * it are skipped too, and count as finished. Ignored once the node or the execution has ended.
   */
  skip(index: number): void;
  /**
   * Outputs of a node of the same graph that has succeeded, by its local id (`start-node` gives
   * the graph's inputs): branch nodes resolve the bindings of their inner nodes with it.
   */
  outputsOf(nodeId: string): LiteralMap | undefined;
}

/** Extra facts recorded on a node's terminal event. */
export interface NodeEventDetails {
  /** What the cache did for a cacheable task node. */
  readonly cacheStatus?: CacheStatus;
}

/** Services of the engine that some node kinds use. */
export interface NodeServices {
  /** Cache of task outputs; absent when caching is off. */
  readonly catalog?: Catalog | undefined;
  /** Skip cache lookups and replace stored results (Flyte's `overwrite_cache`). */
  readonly overwriteCache?: boolean | undefined;
  /** Where gate nodes get signal values; absent when none can be given. */
  readonly signals?: SignalSource | undefined;
  /** Reads offloaded literals back (array nodes over offloaded lists); absent: such nodes fail saying so. */
  readonly offloadedLiterals?: OffloadedLiteralReader | undefined;
}

/**
 * Reads the literal an offloaded literal points to (`offloaded_metadata.uri`, of `sizeBytes`
 * serialized bytes) from the store it was written to. Local runs read the local data folder; the
 * server reads its own store.
 */
export type OffloadedLiteralReader = (uri: string, sizeBytes: bigint) => Promise<Literal>;

/** A node that is running; the run keeps it so it can stop it. */
export interface ActiveNode {
  /**
   * Stops the node because the execution ends: aborts running attempts, cancels timers and
   * records their ABORTED events. The handler must not call `succeed`/`fail` afterwards.
   */
  abort(): void;
}

/** A node checked and made ready to run, once per execution, before anything starts. */
export interface PreparedNode {
  readonly kind: NodeKind;
  /** The task the node runs, for error messages and events. */
  readonly taskName?: string;
  /** Whether the node holds one of the execution's `maxParallelism` slots while it runs. */
  readonly countsTowardParallelism: boolean;
  /** Starts the node with its resolved inputs; completion is reported through `runtime`. */
  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode;
}

/** What preparing a node may look up. */
export interface PrepareContext {
  /** The task template of the closure with this id (project, domain, name, version). */
  findTask(id: Identifier): TaskTemplate | undefined;
  /** Retries allowed for recoverable system errors, per node. */
  readonly systemRetries: number;
  /** Prepares an inner node (of a branch) with the handler for its kind. */
  prepare(node: Node): PreparedNode;
  /**
   * The prepared graph of a sub-workflow of the closure, built once per execution.
   *
   * @throws NodePreparationError when the closure does not carry it or it cannot run.
   */
  subWorkflowGraph(id: Identifier): ExecutionGraph;
  /** Finds launch plans for launch-plan nodes; absent when the engine was given none. */
  readonly launchPlans?: LaunchPlanResolver | undefined;
  /** Runs a child execution (a launch-plan node) on the same engine. */
  readonly executeChild?: ChildExecutor | undefined;
}

/** What a launch plan reference resolves to: the workflow it launches and its saved inputs. */
export interface ResolvedLaunchPlan {
  readonly closure: CompiledWorkflowClosure;
  /** Used for inputs the launching node leaves unbound. @default none */
  readonly defaultInputs?: LiteralMap;
  /** Always used; a node that binds one of them fails. @default none */
  readonly fixedInputs?: LiteralMap;
  /** Most task nodes running at once in the child execution; 0 for no limit. @default the engine's */
  readonly maxParallelism?: number;
}

/**
 * Resolves a launch plan identifier; `undefined` when there is no such launch plan. Local runs
 * supply one built from the loaded launch plans; the server supplies its own.
 */
export type LaunchPlanResolver = (id: Identifier) => ResolvedLaunchPlan | undefined | Promise<ResolvedLaunchPlan | undefined>;

/** One child execution to run. */
export interface ChildExecutionRequest {
  readonly executionId: string;
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  readonly signal: AbortSignal;
  readonly maxParallelism?: number | undefined;
}

/** Runs a child execution to its end (see `Engine.execute`). */
export type ChildExecutor = (request: ChildExecutionRequest) => Promise<ExecutionResult>;

/** Knows how to run one kind of node. */
export interface NodeHandler {
  /** @throws NodePreparationError when the node cannot run (missing task, bad reference). */
  prepare(node: Node, context: PrepareContext): PreparedNode;
}

/** A node that cannot run at all; the execution fails before any node starts. */
export class NodePreparationError extends Error {
  readonly error: ExecutionError;

  constructor(error: ExecutionError) {
    super(error.message);
    this.name = "NodePreparationError";
    this.error = error;
  }
}
