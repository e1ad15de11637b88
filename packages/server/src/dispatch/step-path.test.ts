import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createContextValues, type HandlerContext } from "@connectrpc/connect";
import type { TaskRunRequest, TaskRunResult } from "@flyte/engine";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { CompleteRequestSchema, CompletionAck_Status, type SessionResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { openDatabase, type Database } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { intMap, intsOf } from "../testing/literals.ts";
import { TestSession } from "../testing/test-session.ts";
import { holdThreadPool } from "../testing/thread-pool-hold.ts";
import { workerService } from "./worker-service.ts";
import { WorkerTaskRunner } from "./worker-task-runner.ts";

const ctxOf = (signal: AbortSignal) => ({ signal, values: createContextValues() }) as unknown as HandlerContext;
const task = create(TaskTemplateSchema, { id: { project: "p", domain: "d", name: "t", version: "v" } });
const request = (nodeId: string): TaskRunRequest => ({
  executionId: "p:d:e1", nodeId, attempt: 0, task, inputs: intMap({ x: 1 }), signal: new AbortController().signal,
});
const outputs = (o0: number) => ({ case: "outputs" as const, value: intMap({ o0 }) });
/** Fails, rather than hangs, a wait that only an fsync could end (the pool is held). */
const orFail = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} waited for an fsync`)), 30_000).unref())]);

// The path of one step — completion, the engine's reaction, the next attempt's enqueue and its
// hand-out — must wait for no fsync; the acknowledgements must (docs/benchmarks.md, fifth round).
describe("a step's path on a durable database", () => {
  let dir: string;
  let db: Database;
  let queue: AttemptQueue;
  let runner: WorkerTaskRunner;
  let service: ReturnType<typeof workerService>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-step-path-"));
    db = openDatabase(join(dir, "flyte.db"));
    queue = new AttemptQueue(db);
    runner = new WorkerTaskRunner({ queue, expiryCheckMs: 60_000 });
    service = workerService({ queue, runner });
  });

  after(async () => {
    runner.close();
    await service.settled();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a completion is committed in the turn it arrives, so the engine's reaction joins that turn's group", { timeout: 120_000 }, async () => {
    const w = new TestSession((requests, signal) => service.session(requests, ctxOf(signal)) as AsyncIterable<SessionResponse>, { workerId: "w", credit: 1 });
    try {
      const run = runner.run(request("now"));
      const assigned = await w.next(60_000);
      const state = (): unknown => (db.sqlite.prepare("SELECT state FROM queue_attempts WHERE id = ?").get(Number(assigned.attemptId)) as { state: string }).state;
      const completed = queue.complete(Number(assigned.attemptId), "w", new Uint8Array(), undefined, undefined, assigned.leaseToken);
      assert.equal(state(), "completed", "committed before complete() returned");
      assert.equal(await completed, "recorded");
      runner.completed(Number(assigned.attemptId), create(CompleteRequestSchema, { attemptId: assigned.attemptId, outcome: outputs(1) }));
      assert.equal((await run).kind, "success");
    } finally {
      await w.close();
    }
  });

  test("a session waiting for work with nothing pending commits nothing", { timeout: 120_000 }, async () => {
    const committer = groupCommitterFor(db);
    const before = committer.stats.unsyncedCommits;
    const waiting = queue.leaseOrWait("idle", { max: 1, leaseMs: 1_000, waitMs: 60_000, signal: AbortSignal.abort() });
    assert.deepEqual(await waiting, []);
    assert.equal(committer.stats.unsyncedCommits, before, "no lease transaction that would claim nothing");
  });

  test("with no fsync able to run, a completion reaches the runner and the next attempt is handed out; the acks wait for the fsync", { timeout: 120_000 }, async () => {
    const w = new TestSession((requests, signal) => service.session(requests, ctxOf(signal)) as AsyncIterable<SessionResponse>, { workerId: "w", credit: 2 });
    const committer = groupCommitterFor(db);
    const hold = holdThreadPool(dir);
    let released = false;
    try {
      const syncs = committer.stats.walSyncs;
      const acks: Array<Promise<CompletionAck_Status | undefined>> = [];
      const results: TaskRunResult[] = [];
      for (const [nodeId, value] of [["n0", 2], ["n1", 3]] as const) {
        const run = runner.run(request(nodeId));
        const assigned = await w.next(60_000);
        assert.equal(assigned.nodeId, nodeId, "handed out at its enqueue's commit, before any fsync");
        acks.push(w.complete({ attemptId: assigned.attemptId, outcome: outputs(value) }));
        results.push(await orFail(run, `the runner of ${nodeId}`));
      }
      assert.deepEqual(results.map((r) => r.kind === "success" && intsOf(r.outputs)), [{ o0: 2n }, { o0: 3n }]);
      assert.equal(committer.stats.walSyncs, syncs, "no fsync has run yet");
      let acked = false;
      void Promise.all(acks).then(() => (acked = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(acked, false, "a completion is acknowledged only once durable");
      released = true;
      await hold.release();
      assert.deepEqual(await Promise.all(acks), [CompletionAck_Status.RECORDED, CompletionAck_Status.RECORDED]);
      assert.ok(committer.stats.walSyncs > syncs);
    } finally {
      if (!released) await hold.release();
      await w.close();
    }
  });
});
