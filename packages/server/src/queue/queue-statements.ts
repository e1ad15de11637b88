/**
 * The attempt queue's prepared statements (attempt-queue.ts): the SQL of every operation on
 * `queue_attempts`, prepared once per queue on its database's connection.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { LEASED_COLUMNS, RELEASED_COLUMNS } from "./queue-rows.ts";

/** The queue's statements, by operation. */
export type QueueStatements = Record<
  | "insert" | "insertLeased" | "findId" | "findRow" | "cancelOne" | "lease" | "claim" | "claimKept" | "anyPending" | "heartbeat" | "state" | "holder" | "complete" | "expire" | "cancel" | "pending" | "get"
  | "byExecution" | "byNode" | "getLog" | "setLog" | "resultByNode" | "payloadByNode",
  StatementSync
>;

/** Prepares the queue's statements on `sqlite` (its tables exist: the "queue" migrations ran). */
export function prepareQueueStatements(sqlite: DatabaseSync): QueueStatements {
  return {
    insert: sqlite.prepare(
      `INSERT INTO queue_attempts (execution_id, node_id, attempt, task_key, payload, priority, enqueued_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id, node_id, attempt) DO NOTHING`,
    ),
    // A hand-out's row: inserted already leased to the waiting worker, instead of inserted
    // pending and then claimed by a second statement (which also moved its entry from the
    // pending index to the leased one).
    insertLeased: sqlite.prepare(
      `INSERT INTO queue_attempts (execution_id, node_id, attempt, task_key, payload, priority, enqueued_at, state, worker_id, lease_until, lease_count, lease_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'leased', ?, ?, 1, ?) ON CONFLICT (execution_id, node_id, attempt) DO NOTHING`,
    ),
    findId: sqlite.prepare("SELECT id FROM queue_attempts WHERE execution_id = ? AND node_id = ? AND attempt = ?"),
    findRow: sqlite.prepare("SELECT id, state, result FROM queue_attempts WHERE execution_id = ? AND node_id = ? AND attempt = ?"),
    cancelOne: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'cancelled' WHERE id = ? AND state IN ('pending', 'leased') RETURNING ${RELEASED_COLUMNS}`,
    ),
    // The ids to lease, then `claim` per id: an UPDATE ... WHERE id IN (subquery) builds a
    // temporary table per call and cost half as much again (docs/benchmarks.md, sixth round).
    lease: sqlite.prepare("SELECT id FROM queue_attempts WHERE state = 'pending' ORDER BY priority DESC, id LIMIT ?"),
    claim: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'leased', worker_id = :worker, lease_until = :until, lease_count = lease_count + 1, lease_token = :token
       WHERE id = :id AND state = 'pending' RETURNING ${LEASED_COLUMNS}`,
    ),
    // `claim` of a row this process enqueued and still holds (Kept): nothing read back. Returning
    // the row copied its payload out of SQLite per leased item, a third of the claim's CPU
    // (docs/benchmarks.md, ninth round).
    claimKept: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'leased', worker_id = :worker, lease_until = :until, lease_count = lease_count + 1, lease_token = :token
       WHERE id = :id AND state = 'pending'`,
    ),
    anyPending: sqlite.prepare("SELECT 1 FROM queue_attempts WHERE state = 'pending' LIMIT 1"),
    heartbeat: sqlite.prepare(
      "UPDATE queue_attempts SET lease_until = ? WHERE id = ? AND worker_id = ? AND state = 'leased'",
    ),
    state: sqlite.prepare("SELECT state FROM queue_attempts WHERE id = ?"),
    holder: sqlite.prepare("SELECT state, worker_id, lease_token FROM queue_attempts WHERE id = ?"),
    // Records only for the holder of the lease (and of the lease the token names, given one):
    // one statement for the usual case; `state` tells the others apart when it changed nothing.
    complete: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'completed', result = :result, log = coalesce(:log, log), completed_at = :at, lease_until = NULL
       WHERE id = :id AND state = 'leased' AND worker_id = :worker AND (:token IS NULL OR lease_token = :token)`,
    ),
    expire: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'expired' WHERE state = 'leased' AND lease_until <= ? RETURNING ${RELEASED_COLUMNS}`,
    ),
    cancel: sqlite.prepare(
      `UPDATE queue_attempts SET state = 'cancelled' WHERE execution_id = ? AND state IN ('pending', 'leased')
       RETURNING ${RELEASED_COLUMNS}`,
    ),
    pending: sqlite.prepare("SELECT count(*) AS n FROM queue_attempts WHERE state = 'pending'"),
    get: sqlite.prepare("SELECT * FROM queue_attempts WHERE id = ?"),
    byExecution: sqlite.prepare("SELECT * FROM queue_attempts WHERE execution_id = ? ORDER BY id"),
    byNode: sqlite.prepare("SELECT * FROM queue_attempts WHERE execution_id = ? AND node_id = ? AND attempt = ?"),
    getLog: sqlite.prepare("SELECT log FROM queue_attempts WHERE id = ?"),
    setLog: sqlite.prepare("UPDATE queue_attempts SET log = ? WHERE id = ?"),
    resultByNode: sqlite.prepare("SELECT result FROM queue_attempts WHERE execution_id = ? AND node_id = ? AND attempt = ?"),
    payloadByNode: sqlite.prepare("SELECT payload FROM queue_attempts WHERE execution_id = ? AND node_id = ? AND attempt = ?"),
  };
}
