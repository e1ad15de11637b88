import type { CacheStatus } from "../runtime/catalog.ts";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionError, TaskFailure } from "../runtime/errors.ts";
import type { ArrayItemsSummary } from "./array-items.ts";
import type { ExecutionEvent } from "../runtime/events.ts";
import type {
  NodeExecutionPhase,
  TaskExecutionPhase,
  WorkflowExecutionPhase,
} from "../runtime/phases.ts";

/**
 * A value, or a promise of it. The memory store answers synchronously so the engine's hot path
 * pays no promise; a durable store answers with promises. Callers always `await` the result.
 */
export type MaybePromise<T> = T | Promise<T>;

/** What the engine knows about an execution when it creates it. */
export interface NewExecution {
  readonly executionId: string;
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  /** Milliseconds since the epoch, from the engine's clock. */
  readonly createdAt: number;
}

/** One execution, as folded from its workflow events. */
export interface ExecutionRecord {
  readonly executionId: string;
  readonly phase: WorkflowExecutionPhase;
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  readonly createdAt: number;
  /** When the execution entered RUNNING. */
  readonly startedAt?: number;
  /** When the execution reached a terminal phase. */
  readonly endedAt?: number;
  /** Time of the last event applied. */
  readonly updatedAt: number;
}

/** One node of one execution, as folded from its node and task events. */
export interface NodeExecutionRecord {
  readonly executionId: string;
  /** Fully qualified node id. */
  readonly nodeId: string;
  readonly phase: NodeExecutionPhase;
  readonly inputs?: LiteralMap;
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  /** When the node was first seen (its first event, normally QUEUED). */
  readonly createdAt: number;
  /** When the node entered RUNNING. */
  readonly startedAt?: number;
  /** When the node reached a terminal phase. */
  readonly endedAt?: number;
  readonly updatedAt: number;
  /** Number of task attempts started so far (0 for nodes that run no task). */
  readonly attempts: number;
  /** For cacheable task nodes: what the cache did (CACHE_HIT, CACHE_POPULATED, ...). */
  readonly cacheStatus?: CacheStatus;
  /** For array nodes, once an item event arrived: every item's phase and attempt count. */
  readonly arrayItems?: ArrayItemsSummary;
}

/** One attempt of a task node. */
export interface TaskExecutionRecord {
  readonly executionId: string;
  readonly nodeId: string;
  readonly taskName: string;
  /** Zero-based attempt number (flyteidl `retry_attempt`). */
  readonly attempt: number;
  readonly phase: TaskExecutionPhase;
  readonly error?: TaskFailure;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly updatedAt: number;
}

/**
 * Where the engine records executions. Every phase change reaches the store as an
 * {@link ExecutionEvent} (as flyteadmin folds `Create*Event` calls into its tables), so the
 * engine writes one kind of thing and a durable store can group many events into one commit.
 *
 * Array items: events carrying `arrayItem` (items `<node>-<i>` of a map) are folded into the
 * array node's `arrayItems` summary (phase and attempts per item), not into records of their own
 * — except for items that saw a failure (an event with an error, or a FAILED, TIMED_OUT or
 * RETRYABLE_FAILED phase): those get a full node record (and attempt records) from that event on,
 * so a failed item stays diagnosable by its id. Other items are absent from
 * `getNodeExecution`/`listNodeExecutions`. An item event needs its array node recorded first.
 *
 * Ordering contract: calls take effect in the order they are made, even when a store answers
 * asynchronously; a store may commit several `record` calls together. A rejected write is an
 * infrastructure failure: the engine stops the execution and `execute` rejects.
 */
export interface StateStore {
  /** Creates an execution in phase UNDEFINED. Rejects when the id is already taken. */
  createExecution(execution: NewExecution): MaybePromise<void>;

  /**
   * Applies events in order. Rejects (and applies none of the batch) when an event names an
   * unknown execution, or changes the phase of an execution that is already terminal.
   */
  record(events: readonly ExecutionEvent[]): MaybePromise<void>;

  getExecution(executionId: string): MaybePromise<ExecutionRecord | undefined>;

  getNodeExecution(
    executionId: string,
    nodeId: string,
  ): MaybePromise<NodeExecutionRecord | undefined>;

  /** Node executions in the order they were first recorded. */
  listNodeExecutions(executionId: string): MaybePromise<readonly NodeExecutionRecord[]>;

  /** Attempts of one node, by attempt number. */
  listTaskExecutions(
    executionId: string,
    nodeId: string,
  ): MaybePromise<readonly TaskExecutionRecord[]>;

  /**
   * Outputs of a node that succeeded, for binding resolution when an execution is resumed from
   * the store; `undefined` when the node has not succeeded.
   */
  getNodeOutputs(executionId: string, nodeId: string): MaybePromise<LiteralMap | undefined>;
}
