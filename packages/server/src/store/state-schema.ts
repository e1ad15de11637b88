/**
 * The "state" namespace: executions, node executions and task executions (attempts). See
 * README.md beside this file for what each column holds.
 */
import type { Migration } from "../db/migrations.ts";

/** Migrations of the "state" namespace, applied by `SqliteStateStore` on open. */
export const stateMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "executions, node executions, task executions",
    sql: `
      CREATE TABLE executions (
        id INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        domain TEXT NOT NULL,
        name TEXT NOT NULL,
        phase TEXT NOT NULL,
        closure BLOB NOT NULL,
        inputs BLOB,
        inputs_uri TEXT,
        outputs BLOB,
        outputs_uri TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX executions_by_scope ON executions (project, domain, created_at DESC, id DESC);
      CREATE INDEX executions_unfinished ON executions (created_at, id) WHERE ended_at IS NULL;

      CREATE TABLE node_executions (
        id INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL REFERENCES executions (execution_id),
        node_id TEXT NOT NULL,
        phase TEXT NOT NULL,
        inputs BLOB,
        inputs_uri TEXT,
        outputs BLOB,
        outputs_uri TEXT,
        error TEXT,
        cache_status TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (execution_id, node_id)
      );

      CREATE TABLE task_executions (
        execution_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        task_name TEXT NOT NULL,
        phase TEXT NOT NULL,
        error TEXT,
        cache_status TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (execution_id, node_id, attempt),
        FOREIGN KEY (execution_id, node_id) REFERENCES node_executions (execution_id, node_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: "compact array items",
    // Items of an array node (map items) are one narrow row each — phase code and attempts —
    // instead of a node row and an attempt row; items that fail also get those full rows.
    sql: `
      ALTER TABLE node_executions ADD COLUMN array_item_count INTEGER;

      CREATE TABLE array_items (
        execution_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        item INTEGER NOT NULL,
        phase INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (execution_id, node_id, item)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "unfinished executions by project and domain",
    // A listing by unfinished phases (clients polling "anything still running?") walks only the
    // unfinished executions of its project, not every one it ever had (execution-listing.ts).
    sql: `
      CREATE INDEX executions_unfinished_by_scope ON executions (project, domain, created_at DESC, id DESC) WHERE ended_at IS NULL;
    `,
  },
];
