// The state writer's rows kept between event batches (state-row-cache.ts): used once committed,
// never after a batch or a transaction that failed. A real SQLite file with fsync.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { NodeExecutionEvent, TaskExecutionEvent } from "@flyte/engine";
import { isStoreError } from "@flyte/engine/store";
import { SqliteStateStore } from "./sqlite-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-row-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function opened(): Promise<{ store: SqliteStateStore; path: string }> {
  const path = join(dir, `s${n++}.db`);
  const store = SqliteStateStore.open(path);
  await store.createExecution({ executionId: "e1", closure: create(CompiledWorkflowClosureSchema, {}), inputs: create(LiteralMapSchema), createdAt: 1 });
  return { store, path };
}

const node = (phase: "QUEUED" | "RUNNING" | "SUCCEEDED", at: number): NodeExecutionEvent => ({ kind: "node", executionId: "e1", nodeId: "n0", phase, occurredAt: at });
const task = (phase: "RUNNING" | "SUCCEEDED", at: number): TaskExecutionEvent => ({
  kind: "task",
  executionId: "e1",
  nodeId: "n0",
  taskName: "t",
  attempt: 0,
  phase,
  occurredAt: at,
});

test("a batch folds onto the rows the last committed batch wrote, without reading them again", async () => {
  const { store, path } = await opened();
  await store.record([node("QUEUED", 2), node("RUNNING", 3), task("RUNNING", 3)]);
  assert.equal((await store.getNodeExecution("e1", "n0"))?.attempts, 1);
  // The store is its database's only writer, so a row changed behind its back is not read again:
  // the next batch folds onto the row as the store wrote it.
  const other = new DatabaseSync(path);
  other.exec("PRAGMA busy_timeout = 5000");
  other.exec("UPDATE node_executions SET attempts = 7 WHERE execution_id = 'e1' AND node_id = 'n0'");
  other.close();
  await store.record([task("SUCCEEDED", 4), node("SUCCEEDED", 4)]);
  const n0 = await store.getNodeExecution("e1", "n0");
  assert.equal(n0?.phase, "SUCCEEDED");
  assert.equal(n0?.attempts, 1, "folded onto the kept row (1), not onto a re-read (7)");
  await store.close();
});

test("a batch that fails puts no row back: the next batch folds onto the committed rows", async () => {
  const { store } = await opened();
  await store.record([node("QUEUED", 2)]);
  // Folds n0 to RUNNING at 3, then fails on an execution that does not exist: nothing of it stays.
  await assert.rejects(store.record([node("RUNNING", 3), { kind: "workflow", executionId: "missing", phase: "RUNNING", occurredAt: 3 }]), (e: unknown) => isStoreError(e));
  await store.record([node("RUNNING", 5)]);
  const n0 = await store.getNodeExecution("e1", "n0");
  assert.equal(n0?.phase, "RUNNING");
  assert.equal(n0?.startedAt, 5, "started by the batch that committed, not by the one that failed");
  await store.close();
});

test("batches of one node in the same transaction each see the one before", async () => {
  const { store } = await opened();
  await store.record([node("QUEUED", 2)]);
  await Promise.all([store.record([node("RUNNING", 3), task("RUNNING", 3)]), store.record([task("SUCCEEDED", 4)]), store.record([node("SUCCEEDED", 5)])]);
  const n0 = await store.getNodeExecution("e1", "n0");
  assert.equal(n0?.phase, "SUCCEEDED");
  assert.equal(n0?.startedAt, 3);
  assert.equal(n0?.attempts, 1);
  assert.deepEqual((await store.listTaskExecutions("e1", "n0")).map((t) => t.phase), ["SUCCEEDED"]);
  await store.close();
});
