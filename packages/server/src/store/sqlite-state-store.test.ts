import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { NodeExecutionEvent } from "@flyte/engine";
import { isStoreError, type NewExecution } from "@flyte/engine/store";
import { storeConformance } from "@flyte/engine/testing";
import { LocalBlobStore } from "../blob/local-blob-store.ts";
import { executionKey } from "./execution-key.ts";
import { SqliteStateStore } from "./sqlite-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-state-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `s${n++}.db`);

storeConformance("SqliteStateStore (:memory:)", () => SqliteStateStore.open(":memory:"));
storeConformance("SqliteStateStore (file, fsync, blob offload)", () =>
  SqliteStateStore.open(freshPath(), { blobs: new LocalBlobStore(join(dir, `blobs${n}`)), inlineLimit: 8 }),
);

function strings(values: Record<string, string>): LiteralMap {
  const literal = (v: string): Literal =>
    create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: v } } } } } });
  return create(LiteralMapSchema, { literals: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, literal(v)])) });
}

function newExecution(executionId: string, createdAt = 0, inputs = strings({ x: "1" })): NewExecution {
  return {
    executionId,
    closure: create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } }),
    inputs,
    createdAt,
  };
}

const node = (executionId: string, nodeId: string, phase: "QUEUED" | "RUNNING" | "SUCCEEDED", at: number): NodeExecutionEvent => ({
  kind: "node",
  executionId,
  nodeId,
  phase,
  occurredAt: at,
});

describe("SqliteStateStore", () => {
  test("what was acknowledged is still there after closing and reopening the database", async () => {
    const path = freshPath();
    const store = SqliteStateStore.open(path);
    await store.createExecution(newExecution("e1", 1));
    const outputs = strings({ o0: "done" });
    await store.record([
      { kind: "workflow", executionId: "e1", phase: "RUNNING", occurredAt: 2 },
      { ...node("e1", "n0", "RUNNING", 3), inputs: strings({ a: "x" }) },
      { kind: "task", executionId: "e1", nodeId: "n0", taskName: "t", attempt: 0, phase: "RUNNING", occurredAt: 3 },
      { kind: "task", executionId: "e1", nodeId: "n0", taskName: "t", attempt: 0, phase: "SUCCEEDED", occurredAt: 4 },
      { ...node("e1", "n0", "SUCCEEDED", 4), outputs },
    ]);
    await store.close();

    const reopened = SqliteStateStore.open(path);
    assert.equal((await reopened.getExecution("e1"))?.phase, "RUNNING");
    assert.deepEqual(await reopened.getNodeOutputs("e1", "n0"), outputs);
    assert.equal((await reopened.getNodeExecution("e1", "n0"))?.attempts, 1);
    assert.deepEqual((await reopened.listTaskExecutions("e1", "n0")).map((t) => t.phase), ["SUCCEEDED"]);
    await reopened.close();
  });

  test("record calls of many executions in one tick share one fsync'd commit", async () => {
    const store = SqliteStateStore.open(freshPath());
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.createExecution(newExecution(`e${i}`))));
    const before = store.committer.stats.commits;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.record([node(`e${i}`, "n0", "QUEUED", 1), node(`e${i}`, "n0", "RUNNING", 2)]),
      ),
    );
    assert.equal(store.committer.stats.commits - before, 1, "200 record calls, one transaction");
    assert.equal(store.db.fsync, true);
    assert.equal((await store.getNodeExecution("e199", "n0"))?.phase, "RUNNING");
    await store.close();
  });

  test("a refused record call in a shared commit leaves the other callers' writes intact", async () => {
    const store = SqliteStateStore.open(":memory:");
    await store.createExecution(newExecution("e1"));
    const [ok, refused] = await Promise.allSettled([
      store.record([node("e1", "n0", "QUEUED", 1)]),
      store.record([node("e1", "n1", "QUEUED", 1), node("nope", "n0", "QUEUED", 1)]),
    ]);
    assert.equal(ok.status, "fulfilled");
    assert.ok(refused.status === "rejected" && isStoreError(refused.reason) && refused.reason.code === "E_EXECUTION_NOT_FOUND");
    assert.deepEqual((await store.listNodeExecutions("e1")).map((r) => r.nodeId), ["n0"]);
    await store.close();
  });

  test("calls take effect in call order without awaiting each other, and reads see earlier writes", async () => {
    const store = SqliteStateStore.open(":memory:");
    const created = store.createExecution(newExecution("e1"));
    const recorded = store.record([node("e1", "n0", "QUEUED", 1)]);
    assert.equal((await store.getNodeExecution("e1", "n0"))?.phase, "QUEUED");
    await Promise.all([created, recorded]);
    await store.close();
  });

  test("large literals are offloaded to the blob store in Flyte's layout and read back transparently", async () => {
    const blobs = new LocalBlobStore(join(dir, "offload"));
    const store = SqliteStateStore.open(freshPath(), { blobs, inlineLimit: 1024 });
    const id = executionKey({ project: "flytesnacks", domain: "development", name: "a1" });
    const big = strings({ x: "z".repeat(5000) });
    const small = strings({ y: "small" });
    await store.createExecution(newExecution(id, 0, big));
    const recorded = store.record([
      { ...node(id, "n0", "RUNNING", 1), inputs: big },
      { kind: "task", executionId: id, nodeId: "n0", taskName: "t", attempt: 0, phase: "RETRYABLE_FAILED", occurredAt: 2 },
      { kind: "task", executionId: id, nodeId: "n0", taskName: "t", attempt: 1, phase: "SUCCEEDED", occurredAt: 3 },
      { ...node(id, "n0", "SUCCEEDED", 3), outputs: big },
    ]);
    // A small write made after the slow one must not overtake it.
    const after = store.record([{ ...node(id, "n1", "RUNNING", 4), inputs: small }]);
    await Promise.all([recorded, after]);
    await store.record([{ kind: "workflow", executionId: id, phase: "SUCCEEDED", occurredAt: 5, outputs: big }]);

    assert.deepEqual(await blobs.list("metadata"), [
      "metadata/flytesnacks-development-a1/end-node/data/0/outputs.pb",
      "metadata/flytesnacks-development-a1/n0/data/1/outputs.pb",
      "metadata/flytesnacks-development-a1/n0/data/inputs.pb",
      "metadata/flytesnacks-development-a1/start-node/data/0/outputs.pb",
    ]);
    const execution = await store.getExecution(id);
    assert.deepEqual(execution?.inputs, big);
    assert.deepEqual(execution?.outputs, big);
    const n0 = await store.getNodeExecution(id, "n0");
    assert.deepEqual(n0?.inputs, big);
    assert.deepEqual(await store.getNodeOutputs(id, "n0"), big);
    assert.deepEqual((await store.getNodeExecution(id, "n1"))?.inputs, small);
    assert.deepEqual((await store.listNodeExecutions(id)).map((r) => r.nodeId), ["n0", "n1"]);
    const row = store.db.sqlite.prepare("SELECT inputs, inputs_uri FROM node_executions WHERE node_id = 'n0'").get();
    assert.equal(row?.inputs, null, "the row keeps the path, not the bytes");
    assert.equal(row?.inputs_uri, "metadata/flytesnacks-development-a1/n0/data/inputs.pb");
    await store.close();
  });

  test("a refused write with a large literal writes no blob", async () => {
    const blobs = new LocalBlobStore(join(dir, "refused"));
    const store = SqliteStateStore.open(":memory:", { blobs, inlineLimit: 16 });
    await store.createExecution(newExecution("e1"));
    await assert.rejects(store.createExecution(newExecution("e1", 0, strings({ x: "y".repeat(100) }))), (e) => isStoreError(e) && e.code === "E_EXECUTION_EXISTS");
    await store.record([{ kind: "workflow", executionId: "e1", phase: "ABORTED", occurredAt: 1 }]);
    await assert.rejects(
      store.record([{ ...node("e1", "n0", "RUNNING", 2), inputs: strings({ x: "y".repeat(100) }) }]),
      (e) => isStoreError(e) && e.code === "E_EXECUTION_TERMINAL",
    );
    assert.deepEqual(await blobs.list(""), []);
    await store.close();
  });

  test("executions list by project and domain, newest first, paginated and filtered by phase", async () => {
    const store = SqliteStateStore.open(":memory:");
    for (let i = 0; i < 5; i++) {
      await store.createExecution(newExecution(executionKey({ project: "p", domain: "development", name: `a${i}` }), 100 + i));
    }
    await store.createExecution(newExecution(executionKey({ project: "p", domain: "production", name: "other" }), 200));
    await store.createExecution(newExecution(executionKey({ project: "q", domain: "development", name: "other" }), 200));
    await store.record([{ kind: "workflow", executionId: "p:development:a1", phase: "SUCCEEDED", occurredAt: 300 }]);

    const first = await store.listExecutions({ project: "p", domain: "development", limit: 2 });
    assert.deepEqual(first.executions.map((e) => e.name), ["a4", "a3"]);
    assert.ok(first.nextPageToken !== undefined);
    const second = await store.listExecutions({ project: "p", domain: "development", limit: 2, pageToken: first.nextPageToken });
    assert.deepEqual(second.executions.map((e) => e.name), ["a2", "a1"]);
    const third = await store.listExecutions({ project: "p", domain: "development", limit: 2, pageToken: second.nextPageToken as string });
    assert.deepEqual(third.executions.map((e) => e.name), ["a0"]);
    assert.equal(third.nextPageToken, undefined);

    const done = await store.listExecutions({ project: "p", domain: "development", phases: ["SUCCEEDED"] });
    assert.deepEqual(done.executions.map((e) => [e.executionId, e.phase, e.endedAt]), [["p:development:a1", "SUCCEEDED", 300]]);
    await assert.rejects(store.listExecutions({ project: "p", domain: "development", pageToken: "garbage" }), /Invalid page token "garbage"/);

    const unfinished = await store.listUnfinishedExecutions();
    assert.equal(unfinished.length, 6);
    assert.ok(!unfinished.some((e) => e.executionId === "p:development:a1"));
    await store.close();
  });

  test("a listing's statement is prepared once per shape and reused by the next listings", async () => {
    const store = SqliteStateStore.open(":memory:");
    await store.createExecution(newExecution(executionKey({ project: "p", domain: "development", name: "a0" }), 100));
    // Every statement of the store is prepared through the prototype's method: count the listings'.
    const methods = DatabaseSync.prototype as unknown as Record<"prepare", (this: DatabaseSync, sql: string) => unknown>;
    const prepare = methods.prepare;
    const listings: string[] = [];
    methods.prepare = function (this: DatabaseSync, sql: string) {
      if (sql.includes("FROM executions WHERE project")) listings.push(sql);
      return prepare.call(this, sql);
    };
    try {
      for (let i = 0; i < 3; i++) {
        const page = await store.listExecutions({ project: "p", domain: "development", limit: 1, phases: ["UNDEFINED", "QUEUED", "RUNNING"] });
        assert.deepEqual(page.executions.map((e) => e.name), ["a0"]);
        assert.equal((await store.listExecutions({ project: "p", domain: "development", phases: ["SUCCEEDED"] })).executions.length, 0);
      }
    } finally {
      methods.prepare = prepare;
    }
    assert.equal(listings.length, 2, `prepared: ${listings.join("; ")}`);
    await store.close();
  });

  test("nodes and attempts keep the cache status their events carry, and attempts their timings", async () => {
    const store = SqliteStateStore.open(":memory:");
    await store.createExecution(newExecution("e1"));
    const cached = { kind: "task", executionId: "e1", nodeId: "n0", taskName: "t", attempt: 0, phase: "SUCCEEDED", occurredAt: 2, cacheStatus: "CACHE_HIT" } as const;
    await store.record([node("e1", "n0", "RUNNING", 1), cached]);
    await store.record([{ ...node("e1", "n0", "SUCCEEDED", 3), cacheStatus: "CACHE_MISS" }]);
    assert.equal((await store.getNodeExecution("e1", "n0"))?.cacheStatus, "CACHE_MISS");
    const [attempt] = await store.listTaskExecutions("e1", "n0");
    assert.equal(attempt?.cacheStatus, "CACHE_HIT");
    assert.equal(attempt?.startedAt, 2);
    assert.equal(attempt?.endedAt, 2);
    await store.close();
  });

  test("offloaded literals cannot be read without a blob store, and the error names the node and path", async () => {
    const path = freshPath();
    const writer = SqliteStateStore.open(path, { blobs: new LocalBlobStore(join(dir, "noblobs")), inlineLimit: 4 });
    await writer.createExecution(newExecution("e1"));
    await writer.record([{ ...node("e1", "n0", "RUNNING", 1), inputs: strings({ a: "long enough" }) }]);
    await writer.close();
    const reader = SqliteStateStore.open(path);
    await assert.rejects(reader.getNodeExecution("e1", "n0"), /inputs of node "n0" of execution "e1" were offloaded to blob "metadata\/e1\/n0\/data\/inputs.pb"/);
    await reader.close();
  });

  test("an execution's inline inputs and outputs are decoded only when read (pollers of its phase never decode them)", async () => {
    const path = freshPath();
    const writer = SqliteStateStore.open(path);
    const outputs = strings({ o0: "done" });
    await writer.createExecution(newExecution("e1"));
    await writer.record([{ kind: "workflow", executionId: "e1", phase: "SUCCEEDED", occurredAt: 2, outputs }]);
    await writer.close();
    // Bytes that are no LiteralMap (wire type 7 does not exist): reading them must throw.
    const raw = new DatabaseSync(path);
    raw.prepare("UPDATE executions SET inputs = ? WHERE execution_id = ?").run(new Uint8Array([0xff]), "e1");
    raw.close();
    const reader = SqliteStateStore.open(path);
    const record = await reader.getExecution("e1");
    assert.equal(record?.phase, "SUCCEEDED", "the phase is read without decoding the inputs");
    assert.throws(() => record.inputs);
    assert.deepEqual(record.outputs, outputs);
    await reader.close();
  });

  test("an execution's closure is read from the database only when read, and then in full", async () => {
    const path = freshPath();
    const writer = SqliteStateStore.open(path);
    await writer.createExecution(newExecution("e1"));
    await writer.close();
    const reader = SqliteStateStore.open(path);
    const record = await reader.getExecution("e1");
    assert.ok(record !== undefined);
    // Changed under the record after it was read: the field shows what the column holds when read.
    const raw = new DatabaseSync(path);
    raw.prepare("UPDATE executions SET closure = ? WHERE execution_id = ?").run(new Uint8Array([0xff]), "e1");
    raw.close();
    assert.throws(() => record.closure, "the closure column was not read with the record");
    const again = await reader.getExecution("e1");
    assert.equal(again?.phase, "UNDEFINED");
    await reader.close();
  });
});
