import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { getEventListeners } from "node:events";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createContextValues, type HandlerContext } from "@connectrpc/connect";
import type { TaskRunRequest } from "@flyte/engine";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { CompletionAck_Status, type SessionResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { openDatabase, type Database } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { intMap, intsOf } from "../testing/literals.ts";
import { TestSession } from "../testing/test-session.ts";
import { workerService } from "./worker-service.ts";
import { WorkerTaskRunner, bundleUrlOf } from "./worker-task-runner.ts";

const ctxOf = (signal: AbortSignal) => ({ signal, values: createContextValues() }) as unknown as HandlerContext;
const task = create(TaskTemplateSchema, {
  id: { project: "p", domain: "d", name: "t", version: "v" },
  target: { case: "container", value: { args: ["run", "--additional-distribution", "http://x/b.tgz"] } },
});
const request = (attempt: number, signal = new AbortController().signal): TaskRunRequest => ({
  executionId: "p:d:e1", nodeId: "n0", attempt, task, inputs: intMap({ x: 1 }), signal,
});

describe("dispatch to workers", () => {
  let dir: string;
  let db: Database;
  let queue: AttemptQueue;
  let runner: WorkerTaskRunner;
  let service: ReturnType<typeof workerService>;
  /** A session on the handler itself (no network), as worker `w` unless told otherwise. */
  const session = (workerId = "w", leaseMs = 30_000, credit = 1) =>
    new TestSession((requests, signal) => service.session(requests, ctxOf(signal)) as AsyncIterable<SessionResponse>, { workerId, leaseMs, credit });
  const outputs = (o0: number) => ({ case: "outputs" as const, value: intMap({ o0 }) });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-dispatch-unit-"));
    db = openDatabase(join(dir, "flyte.db"), { fsync: false });
    queue = new AttemptQueue(db);
    // Tests sweep by hand (runner.sweep): a timed sweep could expire a lease during a stall.
    runner = new WorkerTaskRunner({ queue, expiryCheckMs: 3_600_000 });
    service = workerService({ queue, runner });
  });

  after(async () => {
    runner.close();
    await service.settled();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an attempt is handed to a session with its assignment, and its completion wakes the runner with the outputs, once", async () => {
    const w = session();
    const other = session("other", 30_000, 0);
    try {
      const pending = runner.run(request(0));
      const a = await w.next();
      assert.equal(a.bundleUrl, "http://x/b.tgz");
      assert.equal(a.executionName, "e1");
      assert.equal(a.outputPrefix, "metadata/p-d-e1/n0/data/0");
      assert.ok(a.leaseExpiresAt > 0n);
      assert.equal(await w.complete({ attemptId: a.attemptId, outcome: outputs(2) }), CompletionAck_Status.RECORDED);
      const result = await pending;
      assert.equal(result.kind, "success");
      assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 2n });
      assert.equal(await w.complete({ attemptId: a.attemptId, outcome: outputs(3) }), CompletionAck_Status.DUPLICATE);
      assert.equal(await other.complete({ attemptId: a.attemptId, outcome: outputs(3) }), CompletionAck_Status.DUPLICATE);
      assert.equal(await w.complete({ attemptId: "999999", outcome: outputs(3) }), CompletionAck_Status.UNKNOWN_ATTEMPT);
      assert.equal(await w.complete({ attemptId: "not-an-id", outcome: outputs(3) }), CompletionAck_Status.UNKNOWN_ATTEMPT);
    } finally {
      await Promise.all([w.close(), other.close()]);
    }
  });

  test("asking again for an attempt that already completed returns the recorded outcome without queueing it again", async () => {
    const result = await runner.run(request(0));
    assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 2n });
    assert.equal((await queue.listByExecution("p:d:e1")).length, 1);
  });

  test("a session hands out no more attempts than its credit, and more as credit arrives", async () => {
    const w = session("w", 30_000, 1);
    try {
      const runs = [runner.run({ ...request(0), nodeId: "c0" }), runner.run({ ...request(0), nodeId: "c1" })];
      const first = await w.next();
      await assert.rejects(w.next(300), /no assignment/);
      w.grant(1);
      const second = await w.next();
      assert.deepEqual([first.nodeId, second.nodeId].sort(), ["c0", "c1"]);
      await Promise.all([first, second].map((a) => w.complete({ attemptId: a.attemptId, outcome: outputs(1) })));
      await Promise.all(runs);
    } finally {
      await w.close();
    }
  });

  test("an aborted attempt is cancelled in the queue and its session is told", async () => {
    const w = session("w", 60);
    const beat = setInterval(() => w.send({}), 20);
    try {
      const controller = new AbortController();
      const pending = runner.run(request(1, controller.signal));
      const id = (await w.next()).attemptId;
      controller.abort();
      assert.equal((await pending).kind, "failure");
      for (let i = 0; i < 250 && !w.cancelled.includes(id); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(w.cancelled.includes(id), "the session never reported the cancelled attempt");
    } finally {
      clearInterval(beat);
      await w.close();
    }
  });

  test("attempts waiting on one signal (a map's items) share one abort listener, and an abort still cancels each", async () => {
    const controller = new AbortController();
    const items = Array.from({ length: 50 }, (_, i) => runner.run({ ...request(0, controller.signal), executionId: "p:d:e-map", nodeId: `n0-${i}` }));
    // One listener per attempt made starting a 1,000-item map quadratic (abort-listeners.ts).
    const listeners = getEventListeners(controller.signal, "abort").length;
    if (listeners !== 1) controller.abort(); // let the items end, so a failure does not hang the file
    assert.equal(listeners, 1);
    for (let i = 0; i < 250 && runner.waiting < 50; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(runner.waiting, 50, "every item is enqueued and waiting");
    controller.abort();
    const results = await Promise.all(items);
    assert.deepEqual(new Set(results.map((r) => (r.kind === "failure" ? r.error.code : r.kind))), new Set(["SYSTEM:AttemptCancelled"]));
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    const rows = (await queue.listByExecution("p:d:e-map")).map((q) => q.state);
    assert.deepEqual(new Set(rows), new Set(["cancelled"]));
  });

  test("a finished attempt takes its abort listener off the signal", async () => {
    const w = session();
    try {
      const controller = new AbortController();
      const pending = runner.run({ ...request(0, controller.signal), nodeId: "n-off" });
      assert.equal(getEventListeners(controller.signal, "abort").length, 1);
      const a = await w.next();
      await w.complete({ attemptId: a.attemptId, outcome: outputs(1) });
      assert.equal((await pending).kind, "success");
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    } finally {
      await w.close();
    }
  });

  test("a session keeps its leases alive while the worker is heard from; a silent one loses them", async () => {
    const leaseMs = 60;
    const w = session("w", leaseMs);
    const beat = setInterval(() => w.send({}), 20);
    try {
      const pending = runner.run(request(3));
      const a = await w.next();
      const id = Number(a.attemptId);
      // No real-time expiry while heard from: on a busy machine this process can stall for longer
      // than a lease between two beats, and a sweep at "now" would then expire a lease the keeper
      // was about to extend. Instead: wait (generously) until the keeper has carried the lease
      // several terms past its first one, then sweep at the first term's end.
      const first = Number(a.leaseExpiresAt);
      const deadline = Date.now() + 60_000;
      while (((await queue.get(id))?.leaseUntil ?? 0) < first + 5 * leaseMs) {
        assert.ok(Date.now() < deadline, `the lease was never extended past ${first + 5 * leaseMs} (first term ${first})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await runner.sweep(first);
      assert.equal((await queue.get(id))?.state, "leased", "the lease was extended");
      clearInterval(beat);
      // Silent for longer than the lease: no more extensions, and a sweep at real time expires it.
      while ((await queue.get(id))?.state === "leased") {
        assert.ok(Date.now() < deadline + 60_000, "a silent session's lease was kept alive");
        await new Promise((r) => setTimeout(r, 30));
        await runner.sweep();
      }
      const result = await pending;
      assert.equal(result.kind === "failure" && result.error.code, "SYSTEM:LeaseExpired");
      assert.equal(result.kind === "failure" && result.error.recoverable, true);
      assert.equal(await w.complete({ attemptId: a.attemptId, outcome: outputs(1) }), CompletionAck_Status.LEASE_LOST);
    } finally {
      clearInterval(beat);
      await w.close();
    }
  });

  test("a completion wakes the runner before its commit: the next node's enqueue shares the completion's fsync", async () => {
    const w = session();
    try {
      const next = { ...request(0), nodeId: "n1" };
      const chain = runner.run({ ...request(0), nodeId: "n0b" }).then(() => runner.run(next));
      const a = await w.next();
      const committer = groupCommitterFor(db);
      const before = committer.stats.commits;
      assert.equal(await w.complete({ attemptId: a.attemptId, outcome: outputs(5) }), CompletionAck_Status.RECORDED);
      assert.equal(committer.stats.commits - before, 1, "one fsync'd commit: completion, reaction and enqueue");
      const n1 = (await queue.listByExecution("p:d:e1")).find((q) => q.nodeId === "n1");
      assert.ok(n1 !== undefined, "the next attempt was durable when the completion was acknowledged");
      w.grant(1);
      const b = await w.next();
      assert.equal(b.nodeId, "n1");
      await w.complete({ attemptId: b.attemptId, outcome: outputs(6) });
      assert.equal((await chain).kind, "success");
    } finally {
      await w.close();
    }
  });

  test("the bundle URL is read from --additional-distribution, in either spelling", () => {
    assert.equal(bundleUrlOf(task), "http://x/b.tgz");
    const eq = create(TaskTemplateSchema, { target: { case: "container", value: { args: ["--additional-distribution=s3://b"] } } });
    assert.equal(bundleUrlOf(eq), "s3://b");
    assert.equal(bundleUrlOf(create(TaskTemplateSchema)), "");
  });
});
