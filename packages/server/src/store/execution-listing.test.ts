import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { WorkflowExecutionPhase } from "@flyte/engine";
import { openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrations.ts";
import { executionKey } from "./execution-key.ts";
import { listingQuery } from "./execution-listing.ts";
import { SqliteStateStore } from "./sqlite-state-store.ts";
import { stateMigrations } from "./state-schema.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-listing-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const key = (name: string): string => executionKey({ project: "p", domain: "development", name });
const newExecution = (name: string, createdAt: number) => ({
  executionId: key(name),
  closure: create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } }),
  inputs: create(LiteralMapSchema),
  createdAt,
});

/** SQLite's plan of the listing of `phases` in `store`'s database. */
function planOf(store: SqliteStateStore, phases?: WorkflowExecutionPhase[], pageToken?: string): string {
  const { sql, params } = listingQuery({ project: "p", domain: "development", ...(phases === undefined ? {} : { phases }), ...(pageToken === undefined ? {} : { pageToken }) });
  return (store.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join("; ");
}

// Clients poll "anything queued or running?": that listing must walk the unfinished executions
// of the project only, not its whole history.
describe("listing executions by phase", () => {
  test("a listing of unfinished phases walks the partial index of unfinished executions; others the scope's index", async () => {
    const store = SqliteStateStore.open(":memory:");
    assert.match(planOf(store, ["QUEUED", "RUNNING"]), /USING INDEX executions_unfinished_by_scope \(project=\? AND domain=\?\)/);
    assert.match(planOf(store, ["RUNNING"], "5.3"), /USING INDEX executions_unfinished_by_scope/);
    assert.match(planOf(store, ["RUNNING", "SUCCEEDED"]), /USING INDEX executions_by_scope/);
    assert.match(planOf(store), /USING INDEX executions_by_scope/);
    await store.close();
  });

  test("unfinished phases list the unfinished executions of the scope, newest first, page by page", async () => {
    const store = SqliteStateStore.open(":memory:");
    for (let i = 0; i < 6; i++) await store.createExecution(newExecution(`a${i}`, 100 + i));
    await store.createExecution({ ...newExecution("x", 200), executionId: executionKey({ project: "p", domain: "production", name: "x" }) });
    await store.record([
      { kind: "workflow", executionId: key("a0"), phase: "RUNNING", occurredAt: 300 },
      { kind: "workflow", executionId: key("a2"), phase: "RUNNING", occurredAt: 300 },
      { kind: "workflow", executionId: key("a3"), phase: "RUNNING", occurredAt: 300 },
      { kind: "workflow", executionId: key("a5"), phase: "RUNNING", occurredAt: 300 },
      { kind: "workflow", executionId: key("a3"), phase: "SUCCEEDED", occurredAt: 301 },
      { kind: "workflow", executionId: key("a4"), phase: "ABORTED", occurredAt: 301 },
    ]);
    const first = await store.listExecutions({ project: "p", domain: "development", phases: ["RUNNING"], limit: 2 });
    assert.deepEqual(first.executions.map((e) => e.name), ["a5", "a2"]);
    const second = await store.listExecutions({ project: "p", domain: "development", phases: ["RUNNING"], limit: 2, pageToken: first.nextPageToken as string });
    assert.deepEqual([second.executions.map((e) => e.name), second.nextPageToken], [["a0"], undefined]);
    const queued = await store.listExecutions({ project: "p", domain: "development", phases: ["UNDEFINED", "QUEUED"] });
    assert.deepEqual(queued.executions.map((e) => e.name), ["a1"]);
    const mixed = await store.listExecutions({ project: "p", domain: "development", phases: ["RUNNING", "SUCCEEDED", "ABORTED"] });
    assert.deepEqual(mixed.executions.map((e) => e.name), ["a5", "a4", "a3", "a2", "a0"]);
    await store.close();
  });

  test("a database made before the index gains it on open, with its executions listed as before", async () => {
    const path = join(dir, "v2.db");
    // The previous version's schema: the "state" migrations up to 2, and its rows.
    const old = openDatabase(path, { fsync: false });
    assert.equal(migrate(old, "state", stateMigrations.slice(0, 2)), 2);
    const insert = old.sqlite.prepare(
      "INSERT INTO executions (execution_id, project, domain, name, phase, closure, created_at, ended_at, updated_at) VALUES (?, 'p', 'development', ?, ?, x'', ?, ?, ?)",
    );
    insert.run(key("done"), "done", "SUCCEEDED", 1, 2, 2);
    insert.run(key("running"), "running", "RUNNING", 3, null, 3);
    old.close();

    const store = SqliteStateStore.open(path, { fsync: false });
    const versions = store.db.sqlite.prepare("SELECT version FROM schema_migrations WHERE namespace = 'state' ORDER BY version").all() as { version: number }[];
    assert.deepEqual(versions.map((v) => v.version), [1, 2, 3]);
    assert.match(planOf(store, ["QUEUED", "RUNNING"]), /executions_unfinished_by_scope/);
    const running = await store.listExecutions({ project: "p", domain: "development", phases: ["QUEUED", "RUNNING"] });
    assert.deepEqual(running.executions.map((e) => e.name), ["running"]);
    const all = await store.listExecutions({ project: "p", domain: "development" });
    assert.deepEqual(all.executions.map((e) => e.name), ["running", "done"]);
    await store.close();
  });
});
