/**
 * The "executions" namespace: what the API knows of an execution beyond the engine's record (its
 * launch plan, request, mode, lineage, abort cause). One row per execution the server started;
 * child executions of launch-plan nodes are the engine's and have none (their metadata is
 * derived from the parent). Restart recovery resumes the rows whose execution has not ended.
 */
import type { Migration } from "../db/migrations.ts";

/** Migrations of the "executions" namespace. */
export const executionMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "execution specs",
    sql: `
      CREATE TABLE execution_specs (
        id INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL UNIQUE,
        project TEXT NOT NULL,
        domain TEXT NOT NULL,
        name TEXT NOT NULL,
        spec BLOB NOT NULL,
        closure BLOB NOT NULL,
        inputs BLOB NOT NULL,
        user_inputs BLOB NOT NULL,
        recover_from TEXT,
        abort_cause TEXT,
        created_at INTEGER NOT NULL
      );
    `,
  },
];
