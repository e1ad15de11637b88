import type { CacheStatus, ExecutionError, WorkflowExecutionPhase } from "@flyte/engine";
import type { NodeExecutionRecord, TaskExecutionRecord } from "@flyte/engine/store";

/** An execution as listed: everything but its closure and literals. */
export interface ExecutionSummary {
  readonly executionId: string;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly phase: WorkflowExecutionPhase;
  readonly error?: ExecutionError;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly updatedAt: number;
}

/** Which executions to list. */
export interface ListExecutionsQuery {
  readonly project: string;
  readonly domain: string;
  /** Only executions in one of these phases. @default every phase */
  readonly phases?: readonly WorkflowExecutionPhase[];
  /** Page size, at most 1000. @default 100 */
  readonly limit?: number;
  /** `nextPageToken` of the previous page. @default the first page */
  readonly pageToken?: string;
}

/** One page of executions, newest first. */
export interface ExecutionPage {
  readonly executions: readonly ExecutionSummary[];
  /** Present when more executions follow; pass it as `pageToken`. */
  readonly nextPageToken?: string;
}

/** An attempt as stored: the engine's record plus the catalog status when an event carried one. */
export interface StoredTaskExecution extends TaskExecutionRecord {
  /** Catalog cache status (e.g. `CACHE_HIT`) when the task event reported one. */
  readonly cacheStatus?: CacheStatus;
}

/** A node execution as stored: the engine's record plus the catalog status of a cacheable task node. */
export interface StoredNodeExecution extends NodeExecutionRecord {
  /** Catalog cache status (`CACHE_HIT`, `CACHE_MISS`, ...) from the node's events. */
  readonly cacheStatus?: CacheStatus;
}
