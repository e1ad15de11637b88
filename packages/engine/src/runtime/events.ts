import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionError, TaskFailure } from "./errors.ts";
import type { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "./phases.ts";

/** A phase change of a whole execution. */
export interface WorkflowExecutionEvent {
  readonly kind: "workflow";
  readonly executionId: string;
  readonly phase: WorkflowExecutionPhase;
  /** Milliseconds since the epoch, from the engine's clock. */
  readonly occurredAt: number;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
}

/** A phase change of one node. */
export interface NodeExecutionEvent {
  readonly kind: "node";
  readonly executionId: string;
  /** Fully qualified node id. */
  readonly nodeId: string;
  readonly phase: NodeExecutionPhase;
  readonly occurredAt: number;
  readonly inputs?: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
}

/** A phase change of one attempt of a task node. */
export interface TaskExecutionEvent {
  readonly kind: "task";
  readonly executionId: string;
  readonly nodeId: string;
  /** Task name (from the template id). */
  readonly taskName: string;
  readonly attempt: number;
  readonly phase: TaskExecutionPhase;
  readonly occurredAt: number;
  readonly error?: TaskFailure;
}

/** Every event the engine records, discriminated by `kind`. */
export type ExecutionEvent = WorkflowExecutionEvent | NodeExecutionEvent | TaskExecutionEvent;

/**
 * Receives events as they happen. Local runs print progress from them; the server persists them.
 * Must not throw; must be cheap (it sits on the engine's hot path).
 */
export interface EventSink {
  emit(event: ExecutionEvent): void;
}
