import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CacheStatus } from "./catalog.ts";
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

/**
 * Marks an event of one item of an array node (a map task item `<node>-<i>`). Stores fold such
 * events into a compact summary on the array node (`NodeExecutionRecord.arrayItems`) and keep a
 * full record only for items that saw a failure; sinks may ignore it.
 */
export interface ArrayItemRef {
  /** Fully qualified id of the array node. */
  readonly arrayNodeId: string;
  /** Zero-based item index. */
  readonly index: number;
  /** Number of items of the array node. */
  readonly count: number;
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
  /** For cacheable task nodes, on the terminal event: what the cache did (CACHE_HIT, ...). */
  readonly cacheStatus?: CacheStatus;
  /** Present when the node is an item of an array node. */
  readonly arrayItem?: ArrayItemRef;
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
  /** Present when the attempt is one of an array node's item. */
  readonly arrayItem?: ArrayItemRef;
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
