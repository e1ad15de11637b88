/**
 * Many executions fast, for the console's list budget (100,000 in the store): creating them
 * through the API takes minutes, so the benchmark creates a few through the API and then copies
 * one of them in SQLite while the server is stopped — the rows the server itself wrote, with new
 * names, older creation times, and SUCCEEDED (so a restart has nothing to resume). This writes the
 * server's store directly, which only a benchmark may do.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";

/** Copies execution `executionId` (project:domain:name) `count` times into `dataDir`'s store. */
export function copyExecutions(dataDir: string, executionId: string, count: number): void {
  const db = new DatabaseSync(join(dataDir, "flyte.db"));
  try {
    db.exec("BEGIN");
    const seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)";
    const name = "'b' || printf('%019d', n)";
    db.prepare(
      `${seq} INSERT INTO executions (execution_id, project, domain, name, phase, closure, inputs, inputs_uri, outputs, outputs_uri, error, created_at, started_at, ended_at, updated_at)
       SELECT project || ':' || domain || ':' || ${name}, project, domain, ${name}, 'SUCCEEDED', closure, inputs, inputs_uri, outputs, outputs_uri, NULL,
              created_at - n * 1000, created_at - n * 1000, created_at - n * 1000 + 500, created_at - n * 1000 + 500
       FROM seq, (SELECT * FROM executions WHERE execution_id = ?)`,
    ).run(count, executionId);
    db.prepare(
      `${seq} INSERT INTO execution_specs (execution_id, project, domain, name, spec, closure, inputs, user_inputs, created_at)
       SELECT project || ':' || domain || ':' || ${name}, project, domain, ${name}, spec, closure, inputs, user_inputs, created_at - n * 1000
       FROM seq, (SELECT * FROM execution_specs WHERE execution_id = ?)`,
    ).run(count, executionId);
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}
