/**
 * The "queue" namespace: task attempts waiting for, leased by, or finished by workers. See
 * `../store/README.md` for the columns.
 */
import type { Migration } from "../db/migrations.ts";

/** Migrations of the "queue" namespace, applied by `AttemptQueue` on open. */
export const queueMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "queued attempts",
    sql: `
      CREATE TABLE queue_attempts (
        id INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        task_key TEXT NOT NULL,
        payload BLOB NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        worker_id TEXT,
        lease_until INTEGER,
        lease_count INTEGER NOT NULL DEFAULT 0,
        result BLOB,
        enqueued_at INTEGER NOT NULL,
        completed_at INTEGER,
        UNIQUE (execution_id, node_id, attempt)
      );
      CREATE INDEX queue_attempts_pending ON queue_attempts (priority DESC, id) WHERE state = 'pending';
      CREATE INDEX queue_attempts_leased ON queue_attempts (lease_until) WHERE state = 'leased';
    `,
  },
  {
    // The attempt's log (what the task printed), kept in its row rather than in a file per
    // attempt: a file cost a mkdir, an open, a write and a rename per attempt (docs/benchmarks.md).
    version: 2,
    name: "attempt logs",
    sql: "ALTER TABLE queue_attempts ADD COLUMN log TEXT;",
  },
  {
    // A random token per lease, echoed by the worker's completion: an attempt may be handed out
    // as soon as its enqueue commits, before the fsync, so after a power loss a row id can be
    // reused by another attempt; the token keeps the old holder's completion from counting for it.
    version: 3,
    name: "lease tokens",
    sql: "ALTER TABLE queue_attempts ADD COLUMN lease_token INTEGER;",
  },
];
