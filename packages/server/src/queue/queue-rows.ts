/**
 * Rows of `queue_attempts` and what the attempt queue (attempt-queue.ts) makes of them: the
 * hand-outs, released and listed attempts its operations return.
 */
import type { AttemptState, LeasedAttempt, QueuedAttempt, ReleasedAttempt } from "./queue-types.ts";

/** A row of `queue_attempts`, as SQLite returns it. */
export interface AttemptRow {
  id: number;
  execution_id: string;
  node_id: string;
  attempt: number;
  task_key: string;
  payload: Uint8Array;
  priority: number;
  state: string;
  worker_id: string | null;
  lease_until: number | null;
  lease_count: number;
  result: Uint8Array | null;
  log: string | null;
  lease_token: number | null;
  enqueued_at: number;
  completed_at: number | null;
}

/** Columns of a {@link released} attempt. */
export const RELEASED_COLUMNS = "id, execution_id, node_id, attempt, task_key, worker_id, lease_count";
/** Columns of a {@link leasedOf} hand-out. */
export const LEASED_COLUMNS = "id, execution_id, node_id, attempt, task_key, payload, priority, lease_until, lease_token";

/**
 * An attempt enqueued by this process and not handed out yet, as its enqueuer built it: a lease
 * claims its row without reading it back (see {@link AttemptQueue.lease}).
 */
export interface Kept {
  readonly decoded: object;
  readonly executionId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly taskKey: string;
  readonly priority: number;
  /** The very bytes inserted as the row's payload. */
  readonly payload: Uint8Array;
}

/** The hand-out of a kept attempt just claimed: its enqueuer's payload bytes and message, not a copy read back. */
export function leasedKept(id: number, kept: Kept, leaseUntil: number, leaseToken: number): LeasedAttempt {
  const { executionId, nodeId, attempt, taskKey, payload, priority, decoded } = kept;
  return { id, executionId, nodeId, attempt, taskKey, payload, priority, leaseUntil, leaseToken, decoded };
}

/** The hand-out of a claimed row. */
export function leasedOf(row: AttemptRow): LeasedAttempt {
  return {
    id: row.id,
    executionId: row.execution_id,
    nodeId: row.node_id,
    attempt: row.attempt,
    taskKey: row.task_key,
    payload: row.payload,
    priority: row.priority,
    leaseUntil: row.lease_until as number,
    leaseToken: row.lease_token as number,
  };
}

/** An attempt a cancel or an expiry ended. */
export function released(row: AttemptRow): ReleasedAttempt {
  const attempt: { -readonly [K in keyof ReleasedAttempt]: ReleasedAttempt[K] } = {
    id: row.id,
    executionId: row.execution_id,
    nodeId: row.node_id,
    attempt: row.attempt,
    taskKey: row.task_key,
    leaseCount: row.lease_count,
  };
  if (row.worker_id !== null) attempt.workerId = row.worker_id;
  return attempt;
}

/** A row as listed. */
export function queued(row: AttemptRow): QueuedAttempt {
  const attempt: { -readonly [K in keyof QueuedAttempt]: QueuedAttempt[K] } = {
    id: row.id,
    executionId: row.execution_id,
    nodeId: row.node_id,
    attempt: row.attempt,
    taskKey: row.task_key,
    priority: row.priority,
    state: row.state as AttemptState,
    leaseCount: row.lease_count,
    enqueuedAt: row.enqueued_at,
  };
  if (row.worker_id !== null) attempt.workerId = row.worker_id;
  if (row.lease_until !== null) attempt.leaseUntil = row.lease_until;
  if (row.completed_at !== null) attempt.completedAt = row.completed_at;
  if (row.result !== null) attempt.result = row.result;
  if (row.log !== null) attempt.log = row.log;
  return attempt;
}
