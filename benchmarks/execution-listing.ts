/**
 * ListExecutions by phase with a long history: how long the store takes to answer "which
 * executions of this project are queued or running?" (the throughput harness polls it until none
 * is) with LISTING_FINISHED (default 100,000) finished executions in the project, when none is
 * running and when the only running one is the oldest. Also prints SQLite's plan of the query.
 *
 * The finished executions are SQL copies of one created through the store, written directly
 * (only a benchmark may). Median of LISTING_CALLS (default 30) calls, each after the store's
 * pending writes (none here), through SqliteStateStore.listExecutions.
 */
import { DatabaseSync } from "node:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { listingQuery } from "../packages/server/src/store/execution-listing.ts";
import { SqliteStateStore } from "../packages/server/src/store/index.ts";
import type { ListExecutionsQuery } from "../packages/server/src/store/state-types.ts";
import { median, report } from "./report.ts";

const FINISHED = Number(process.env["LISTING_FINISHED"] ?? "100000");
const CALLS = Number(process.env["LISTING_CALLS"] ?? "30");
const QUERY: ListExecutionsQuery = { project: "p", domain: "development", phases: ["QUEUED", "RUNNING"], limit: 100 };

/** Median ms of the listing, and the rows it returned. */
async function time(store: SqliteStateStore): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    rows = (await store.listExecutions(QUERY)).executions.length;
    times.push(performance.now() - start);
  }
  return { ms: median(times), rows };
}

/** Makes `seed` RUNNING and copies its row `count` times as SUCCEEDED executions, each newer than it. */
function copyFinished(path: string, seed: string, count: number): void {
  const db = new DatabaseSync(path);
  try {
    db.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
       INSERT INTO executions (execution_id, project, domain, name, phase, closure, inputs, created_at, started_at, ended_at, updated_at)
       SELECT project || ':' || domain || ':f' || n, project, domain, 'f' || n, 'SUCCEEDED', closure, inputs, created_at + n, created_at + n, created_at + n + 1, created_at + n + 1
       FROM seq, (SELECT * FROM executions WHERE execution_id = ?)`,
    ).run(count, seed);
    db.prepare("UPDATE executions SET phase = 'RUNNING' WHERE execution_id = ?").run(seed);
  } finally {
    db.close();
  }
}

/** The listing's time with a long history of finished executions. */
export async function benchExecutionListing(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bench-listing-"));
  const path = join(dir, "state.db");
  try {
    let store = SqliteStateStore.open(path, { fsync: false });
    const seed = `${QUERY.project}:${QUERY.domain}:seed`;
    const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } });
    await store.createExecution({ executionId: seed, closure, inputs: create(LiteralMapSchema), createdAt: 0 });
    await store.close();
    copyFinished(path, seed, FINISHED);
    store = SqliteStateStore.open(path, { fsync: false });
    const { sql, params } = listingQuery(QUERY);
    const plan = (store.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join("; ");
    const oldestRunning = await time(store);
    await store.close();
    const db = new DatabaseSync(path);
    db.prepare("UPDATE executions SET phase = 'SUCCEEDED', ended_at = 1 WHERE execution_id = ?").run(seed);
    db.close();
    store = SqliteStateStore.open(path, { fsync: false });
    const noneRunning = await time(store);
    await store.close();
    const note = `${FINISHED} finished executions in the project; median of ${CALLS}; plan: ${plan}`;
    report({ bench: "execution-listing", metric: "ListExecutions(QUEUED, RUNNING) in the store, none running", value: noneRunning.ms, unit: "ms", runs: CALLS, note: `${noneRunning.rows} rows; ${note}` });
    report({ bench: "execution-listing", metric: "ListExecutions(QUEUED, RUNNING) in the store, the oldest running", value: oldestRunning.ms, unit: "ms", runs: CALLS, note: `${oldestRunning.rows} rows; ${note}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
