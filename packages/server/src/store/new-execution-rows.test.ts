// The state writer skips the reads that could only miss: rows of executions it created itself
// (new-execution-rows.ts). A real SQLite file; statements counted on node:sqlite's own methods.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionEvent, NodeExecutionEvent, TaskExecutionEvent } from "@flyte/engine";
import { isStoreError } from "@flyte/engine/store";
import { NewExecutionRows } from "./new-execution-rows.ts";
import { openDatabase } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { migrate } from "../db/migrations.ts";
import { SqliteStateStore } from "./sqlite-state-store.ts";
import { stateMigrations } from "./state-schema.ts";
import { StateWriter } from "./state-writer.ts";
import { statementsOf } from "../testing/statement-log.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-new-rows-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const newExecution = (executionId: string) => ({ executionId, closure: create(CompiledWorkflowClosureSchema, {}), inputs: create(LiteralMapSchema), createdAt: 1 });
const node = (executionId: string, nodeId: string, phase: "QUEUED" | "RUNNING" | "SUCCEEDED", at: number): NodeExecutionEvent => ({ kind: "node", executionId, nodeId, phase, occurredAt: at });
const task = (executionId: string, nodeId: string, phase: "RUNNING" | "SUCCEEDED", at: number): TaskExecutionEvent => ({
  kind: "task",
  executionId,
  nodeId,
  taskName: "t",
  attempt: 0,
  phase,
  occurredAt: at,
});
/** A chain's life: each node queued, run and succeeded, then the workflow. */
const chain = (executionId: string): ExecutionEvent[][] => [
  [{ kind: "workflow", executionId, phase: "RUNNING", occurredAt: 2 }, node(executionId, "n0", "QUEUED", 2), node(executionId, "n0", "RUNNING", 2), task(executionId, "n0", "RUNNING", 2)],
  [task(executionId, "n0", "SUCCEEDED", 3), node(executionId, "n0", "SUCCEEDED", 3), node(executionId, "n1", "QUEUED", 3), node(executionId, "n1", "RUNNING", 3), task(executionId, "n1", "RUNNING", 3)],
  [task(executionId, "n1", "SUCCEEDED", 4), node(executionId, "n1", "SUCCEEDED", 4), { kind: "workflow", executionId, phase: "SUCCEEDED", occurredAt: 4 }],
];

/** The SELECTs `run` makes, by statement text. */
async function selectsOf(run: () => Promise<void>): Promise<string[]> {
  const { ran } = await statementsOf(run);
  return ran.filter((sql) => sql.startsWith("SELECT"));
}

test("an execution created by this store records its whole life without reading a row back", async () => {
  const store = SqliteStateStore.open(join(dir, `s${n++}.db`));
  await store.createExecution(newExecution("e1"));
  const selects = await selectsOf(async () => {
    for (const batch of chain("e1")) await store.record(batch);
  });
  assert.deepEqual(selects, []);
  assert.deepEqual((await store.listNodeExecutions("e1")).map((r) => [r.nodeId, r.phase, r.attempts]), [["n0", "SUCCEEDED", 1], ["n1", "SUCCEEDED", 1]]);
  assert.equal((await store.getExecution("e1"))?.phase, "SUCCEEDED");
  await store.close();
});

test("after a reopen, the rows of an execution created before are read again and folded onto", async () => {
  const path = join(dir, `s${n++}.db`);
  const first = SqliteStateStore.open(path);
  await first.createExecution(newExecution("e1"));
  const [start, second, end] = chain("e1");
  await first.record(start as ExecutionEvent[]);
  await first.close();
  const store = SqliteStateStore.open(path);
  const selects = await selectsOf(() => store.record(second as ExecutionEvent[]));
  assert.ok(selects.some((sql) => sql.includes("FROM node_executions")), "n0 is read: this store did not create the execution");
  await store.record(end as ExecutionEvent[]);
  const nodes = await store.listNodeExecutions("e1");
  assert.deepEqual(nodes.map((r) => [r.nodeId, r.phase, r.attempts, r.startedAt]), [["n0", "SUCCEEDED", 1, 2], ["n1", "SUCCEEDED", 1, 3]]);
  await store.close();
});

test("a node first written by a batch that failed is written again by the next batch", async () => {
  const store = SqliteStateStore.open(join(dir, `s${n++}.db`));
  await store.createExecution(newExecution("e1"));
  // n0's insert is rolled back with its batch (an event of an unknown execution fails it).
  await assert.rejects(store.record([node("e1", "n0", "QUEUED", 2), { kind: "workflow", executionId: "missing", phase: "RUNNING", occurredAt: 2 }]), (e: unknown) => isStoreError(e));
  await store.record([node("e1", "n0", "QUEUED", 3), node("e1", "n0", "RUNNING", 4)]);
  await store.record([node("e1", "n0", "SUCCEEDED", 5)]);
  const n0 = await store.getNodeExecution("e1", "n0");
  assert.deepEqual([n0?.phase, n0?.createdAt, n0?.startedAt], ["SUCCEEDED", 3, 4]);
  await store.close();
});

test("rows of a tracked execution are absent until written; ended and the oldest beyond the bound are forgotten", () => {
  const rows = new NewExecutionRows(2);
  assert.equal(rows.absent("e1", "n\0n0"), false, "an execution not created here: unknown, so read");
  rows.created("e1");
  assert.equal(rows.absent("e1", "n\0n0"), true);
  rows.wrote("e1", "n\0n0");
  assert.equal(rows.absent("e1", "n\0n0"), false);
  rows.created("e2");
  rows.created("e3");
  assert.equal(rows.size, 2);
  assert.equal(rows.absent("e1", "n\0n1"), false, "e1, the oldest, was forgotten");
  rows.forget("e2");
  assert.equal(rows.absent("e2", "n\0n0"), false);
  assert.equal(rows.absent("e3", "n\0n0"), true);
});

test("the rows of an execution are kept while it runs and dropped when it ends", async () => {
  const db = openDatabase(join(dir, `s${n++}.db`), { fsync: false });
  migrate(db, "state", stateMigrations);
  const committer = groupCommitterFor(db);
  const writer = new StateWriter(db.sqlite, committer);
  const write = (events: ExecutionEvent[]): Promise<void> => committer.submit(() => writer.apply(events.map((event) => ({ event }))));
  await committer.submit(() => writer.createExecution(newExecution("e1"), { project: "", domain: "", name: "e1" }, new Uint8Array(0), { bytes: new Uint8Array(0) }));
  const [start, second, end] = chain("e1");
  await write(start as ExecutionEvent[]);
  await write(second as ExecutionEvent[]);
  assert.ok(writer.keptRows >= 4, `the running execution's rows are kept (${writer.keptRows})`);
  await write(end as ExecutionEvent[]);
  assert.equal(writer.keptRows, 0, "an ended execution's rows stay kept");
  // Refused as before: its row is read again.
  await assert.rejects(write([node("e1", "n0", "RUNNING", 9)]), (e: unknown) => isStoreError(e) && e.code === "E_EXECUTION_TERMINAL");
  db.close();
});
