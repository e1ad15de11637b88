/**
 * The seam between the execution run (scheduling, failure policy, events) and the code that
 * knows how to run one kind of node. One file per node kind implements {@link NodeHandler};
 * branch, sub-workflow, array, gate and dynamic handlers plug in here later.
 */
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Clock } from "../../runtime/clock.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import type { TaskRunner } from "../../runtime/task-runner.ts";

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
  succeed(index: number, outputs: LiteralMap): void;
  /** Ends the node with a failure. Ignored once the node or the execution has ended. */
  fail(index: number, error: ExecutionError, phase: NodeFailurePhase): void;
}

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
}

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
