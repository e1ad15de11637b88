import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { openDatabase, type Database } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { AttemptQueue } from "./attempt-queue.ts";
import { isQueueError } from "./queue-error.ts";
import { statementsOf } from "../testing/statement-log.ts";
import type { EnqueueRequest } from "./queue-types.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const request = (nodeId: string, attempt = 0, priority?: number): EnqueueRequest => ({
  executionId: "p:d:e1",
  nodeId,
  attempt,
  taskKey: "p:d:t:v1",
  payload: bytes(`run ${nodeId}`),
  ...(priority !== undefined ? { priority } : {}),
});

describe("AttemptQueue", () => {
  let dir: string;
  let db: Database;
  let now: number;
  let queue: AttemptQueue;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-queue-"));
    db = openDatabase(join(dir, "queue.db"));
    now = 1_000;
    queue = new AttemptQueue(db, { now: () => now });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a leased attempt carries its payload, and lease order is priority, then enqueue order", async () => {
    await queue.enqueue(request("a"));
    await queue.enqueue(request("b", 0, 5));
    await queue.enqueue(request("c"));
    assert.equal(await queue.pendingCount(), 3);
    const leased = await queue.lease("w1", { max: 2, leaseMs: 100 });
    assert.deepEqual(leased.map((a) => a.nodeId), ["b", "a"]);
    assert.equal(new TextDecoder().decode(leased[1]?.payload), "run a");
    assert.equal(leased[0]?.leaseUntil, 1_100);
    assert.equal(await queue.pendingCount(), 1);
  });

  test("enqueuing the same attempt twice is idempotent", async () => {
    const first = await queue.enqueue(request("a"));
    const again = await queue.enqueue({ ...request("a"), payload: bytes("other") });
    assert.equal(again, first);
    assert.equal(await queue.pendingCount(), 1);
    assert.notEqual(await queue.enqueue(request("a", 1)), first, "the next attempt is a new entry");
  });

  test("one lease call claims many attempts in one transaction, without waiting for an fsync", async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => queue.enqueue(request(`n${i}`))));
    const before = groupCommitterFor(db).stats;
    const leased = await queue.lease("w1", { max: 50, leaseMs: 100 });
    assert.equal(leased.length, 50);
    const after = groupCommitterFor(db).stats;
    assert.equal(after.unsyncedCommits - before.unsyncedCommits, 1);
    assert.equal(after.commits - before.commits, 0, "a lease is not a group (fsync'd) commit");
  });

  test("two workers leasing the same attempt at once: exactly one wins", async () => {
    await queue.enqueue(request("a"));
    const [w1, w2] = await Promise.all([queue.lease("w1", { max: 1, leaseMs: 100 }), queue.lease("w2", { max: 1, leaseMs: 100 })]);
    assert.equal(w1.length + w2.length, 1);
  });

  test("two servers' connections to one database never lease the same attempt", async () => {
    const other = openDatabase(join(dir, "queue.db"));
    try {
      const second = new AttemptQueue(other, { now: () => now });
      await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue(request(`n${i}`))));
      const results = await Promise.all([
        queue.lease("w1", { max: 15, leaseMs: 100 }),
        second.lease("w2", { max: 15, leaseMs: 100 }),
      ]);
      const ids = results.flat().map((a) => a.id);
      assert.equal(ids.length, 20);
      assert.equal(new Set(ids).size, 20);
    } finally {
      other.close();
    }
  });

  test("completion is recorded exactly once; a retried completion is a duplicate", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    const [first, retried] = await Promise.all([
      queue.complete(attempt.id, "w1", bytes("result")),
      queue.complete(attempt.id, "w1", bytes("result again")),
    ]);
    assert.deepEqual([first, retried], ["recorded", "duplicate"]);
    const stored = await queue.get(attempt.id);
    assert.equal(stored?.state, "completed");
    assert.equal(new TextDecoder().decode(stored?.result), "result");
    assert.equal(await queue.complete(attempt.id, "w2", bytes("late")), "duplicate");
  });

  test("an attempt's result and payload are read on their own, by execution, node and attempt", async () => {
    await queue.enqueue(request("a"));
    assert.equal(await queue.resultOf("p:d:e1", "a", 0), undefined, "no result before completion");
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    await queue.complete(attempt.id, "w1", bytes("result"));
    assert.equal(new TextDecoder().decode(await queue.resultOf("p:d:e1", "a", 0)), "result");
    assert.equal(new TextDecoder().decode(await queue.payloadOf("p:d:e1", "a", 0)), "run a");
    assert.equal(await queue.payloadOf("p:d:e1", "a", 1), undefined, "no such attempt");
  });

  test("a completion from a worker that does not hold the lease is refused as lost-lease", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    assert.equal(await queue.complete(attempt.id, "w2", bytes("x")), "lost-lease");
    await assert.rejects(queue.complete(9999, "w1", bytes("x")), (e) => isQueueError(e) && e.code === "E_ATTEMPT_NOT_FOUND" && /attempt 9999/.test(e.message));
  });

  test("a completion for another lease of the attempt (a stale lease token) is refused as lost-lease", async () => {
    await queue.enqueue(request("tok"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    assert.ok(attempt.leaseToken > 0);
    assert.equal(await queue.complete(attempt.id, "w1", bytes("x"), undefined, undefined, attempt.leaseToken + 1), "lost-lease");
    assert.equal(await queue.complete(attempt.id, "w1", bytes("x"), undefined, undefined, attempt.leaseToken), "recorded");
  });

  test("an enqueue wakes waiting workers at its commit, before its fsync acknowledges it", async () => {
    const order: string[] = [];
    const woken = queue.waitForWork(60_000).then((w) => order.push(`woken ${w}`));
    // The wake-up runs right after COMMIT; the acknowledgement waits for the fsync (thread pool).
    const enqueued = queue.enqueue(request("early")).then(() => order.push("acknowledged"));
    await Promise.all([woken, enqueued]);
    assert.deepEqual(order, ["woken true", "acknowledged"]);
    const [leased] = await queue.lease("w1", { max: 1, leaseMs: 1000 });
    assert.equal(leased?.nodeId, "early");
  });

  test("a completion reaches onRecorded before its fsync, so writes made there share the completion's commit", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    const committer = groupCommitterFor(db);
    const before = committer.stats.commits;
    const order: string[] = [];
    let next: Promise<number> | undefined;
    const completed = queue.complete(attempt.id, "w1", bytes("ok"), () => {
      order.push("onRecorded");
      next = queue.enqueue(request("b"));
    });
    assert.equal(await completed, "recorded");
    order.push("acknowledged");
    assert.deepEqual(order, ["onRecorded", "acknowledged"]);
    await next;
    assert.equal(committer.stats.commits - before, 1, "one fsync'd commit for the completion and its consequence");
    let called = false;
    assert.equal(await queue.complete(attempt.id, "w1", bytes("again"), () => {
      called = true;
    }), "duplicate");
    assert.equal(called, false, "only the recording call reaches onRecorded");
  });

  test("a completion and the writes made in onRecorded are ONE transaction: the completion has no commit of its own", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    const committer = groupCommitterFor(db);
    const before = committer.stats;
    let next: Promise<number> | undefined;
    assert.equal(await queue.complete(attempt.id, "w1", bytes("ok"), () => {
      next = queue.enqueue(request("b"));
    }), "recorded");
    await next;
    const after = committer.stats;
    assert.equal(after.commits - before.commits + after.unsyncedCommits - before.unsyncedCommits, 1, "one commit, fsync'd, for the completion and its consequence");
    assert.equal((await queue.get(attempt.id))?.state, "completed");
  });

  test("a second completion of the attempt while the first waits for its commit is a duplicate; onRecorded runs once", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    let called = 0;
    const outcomes = await Promise.all([1, 2].map((n) => queue.complete(attempt.id, "w1", bytes(`r${n}`), () => void called++, undefined, attempt.leaseToken)));
    assert.deepEqual(outcomes, ["recorded", "duplicate"]);
    assert.equal(called, 1);
    assert.deepEqual((await queue.get(attempt.id))?.result, bytes("r1"));
  });

  test("a completion's row changed by another writer between its decision and its write undoes its whole group, consequences included", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    let next: Promise<number> | undefined;
    const completed = queue.complete(attempt.id, "w1", bytes("ok"), () => {
      next = queue.enqueue(request("b"));
    });
    // Decided (and onRecorded called) in complete's synchronous step; a write outside the committer now.
    db.sqlite.prepare("UPDATE queue_attempts SET state = 'expired' WHERE id = ?").run(attempt.id);
    await assert.rejects(completed, (e: unknown) => e instanceof Error && e.name === "GroupAbortError");
    await assert.rejects(next ?? Promise.resolve(), (e: unknown) => e instanceof Error && e.name === "GroupAbortError");
    assert.equal(await queue.find("p:d:e1", "b", 0), undefined, "the reaction's enqueue was not kept");
    assert.equal((await queue.get(attempt.id))?.state, "expired");
  });

  test("the writes made in onRecorded commit before the I/O and immediates still queued in the completion's turn", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    const order: string[] = [];
    let next: Promise<unknown> | undefined;
    setImmediate(() => order.push("check phase"));
    const completed = queue.complete(attempt.id, "w1", bytes("ok"), () => {
      // The engine's reaction comes a few microtasks after the runner is woken.
      void Promise.resolve().then(() => {
        next = queue.enqueueOrFind(request("b"), () => order.push("next attempt committed"));
      });
    });
    assert.equal(await completed, "recorded");
    await next;
    assert.deepEqual(order, ["next attempt committed", "check phase"]);
  });

  test("a lease lost with its unsynced commit (power loss) leaves the attempt pending: its old holder is refused and it runs again", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    // What power loss may do to a lease that no later commit fsynced: the row is as enqueued.
    db.sqlite.prepare("UPDATE queue_attempts SET state = 'pending', worker_id = NULL, lease_until = NULL, lease_count = 0 WHERE id = ?").run(attempt.id);
    db.close();
    db = openDatabase(join(dir, "queue.db"));
    const restarted = new AttemptQueue(db, { now: () => now });
    assert.equal(await restarted.complete(attempt.id, "w1", bytes("late")), "lost-lease");
    assert.deepEqual(await restarted.heartbeat("w1", [attempt.id], 100), [], "its heartbeat tells the old holder to stop");
    const [again] = await restarted.lease("w2", { max: 1, leaseMs: 100 });
    assert.equal(again?.id, attempt.id, "the attempt is handed out again");
    assert.equal(await restarted.complete(attempt.id, "w2", bytes("ok")), "recorded");
    assert.equal(await restarted.complete(attempt.id, "w1", bytes("late")), "duplicate");
    assert.equal(new TextDecoder().decode((await restarted.get(attempt.id))?.result), "ok");
  });

  test("a lease that survived a crash of the process is still honoured: its holder's completion is recorded once", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(attempt);
    db.close();
    db = openDatabase(join(dir, "queue.db"));
    const restarted = new AttemptQueue(db, { now: () => now });
    assert.deepEqual(await restarted.lease("w2", { max: 1, leaseMs: 100 }), [], "still leased to w1");
    assert.equal(await restarted.complete(attempt.id, "w1", bytes("ok")), "recorded");
    assert.equal(await restarted.complete(attempt.id, "w1", bytes("ok")), "duplicate");
  });

  test("heartbeats extend held leases; expiry reclaims the rest and the old holder then loses its lease", async () => {
    await queue.enqueue(request("a"));
    await queue.enqueue(request("b"));
    const leased = await queue.lease("w1", { max: 2, leaseMs: 100 });
    const [a, b] = leased;
    assert.ok(a && b);
    now = 1_050;
    assert.deepEqual(await queue.heartbeat("w1", [a.id], 100), [a.id]);
    assert.deepEqual(await queue.heartbeat("w2", [b.id], 100), [], "only the holder can heartbeat");
    now = 1_100;
    const expired = await queue.expire();
    assert.deepEqual(expired.map((e) => [e.nodeId, e.workerId, e.leaseCount]), [["b", "w1", 1]]);
    assert.deepEqual(await queue.expire(), [], "expiry happens once");
    assert.equal(await queue.complete(b.id, "w1", bytes("late")), "lost-lease");
    assert.deepEqual(await queue.heartbeat("w1", [a.id, b.id], 100), [a.id], "the expired lease is no longer held");
    assert.equal(await queue.complete(a.id, "w1", bytes("ok")), "recorded");
  });

  test("the holder of a lapsed lease may still complete until expiry runs", async () => {
    await queue.enqueue(request("a"));
    const [attempt] = await queue.lease("w1", { max: 1, leaseMs: 10 });
    assert.ok(attempt);
    now = 5_000;
    assert.equal(await queue.complete(attempt.id, "w1", bytes("ok")), "recorded");
    assert.deepEqual(await queue.expire(), []);
  });

  test("cancelling an execution ends its pending and leased attempts only", async () => {
    await queue.enqueue(request("a"));
    await queue.enqueue(request("b"));
    await queue.enqueue({ ...request("c"), executionId: "p:d:e2" });
    const [leased] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(leased);
    const cancelled = await queue.cancel("p:d:e1");
    assert.deepEqual(cancelled.map((c) => [c.nodeId, c.workerId]).sort(), [["a", "w1"], ["b", undefined]]);
    assert.equal(await queue.pendingCount(), 1);
    assert.equal(await queue.complete(leased.id, "w1", bytes("x")), "lost-lease");
    assert.deepEqual((await queue.listByExecution("p:d:e1")).map((a) => a.state), ["cancelled", "cancelled"]);
  });

  // No clock in the assertion: the poll would wait an hour, so only the enqueue can end it; if the
  // wake-up were lost, the test's own (generous) timeout reports it.
  test("a waiting worker is woken as soon as work is enqueued", { timeout: 120_000 }, async () => {
    const waiting = queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 3_600_000 });
    const enqueued = new Promise((resolve) => setTimeout(() => resolve(queue.enqueue(request("a"))), 20));
    const leased = await waiting;
    assert.deepEqual(leased.map((a) => a.nodeId), ["a"]);
    await enqueued;
  });

  test("a waiting worker gets new attempts leased in their enqueue's own commit, before its fsync; waiting workers take them in turn", { timeout: 120_000 }, async () => {
    const committer = groupCommitterFor(db);
    const w1 = queue.leaseOrWait("w1", { max: 2, leaseMs: 100, waitMs: 3_600_000 });
    const w2 = queue.leaseOrWait("w2", { max: 2, leaseMs: 100, waitMs: 3_600_000 });
    // Both wait once their empty leases have committed.
    await committer.flush();
    const before = committer.stats;
    const order: string[] = [];
    const handedOut = Promise.all([w1, w2]).then((leased) => (order.push("handed out"), leased));
    // One group: three attempts, alternating between the two waiting workers.
    const enqueued = Promise.all([queue.enqueue(request("a")), queue.enqueue(request("b")), queue.enqueue(request("c"))]).then(() => order.push("acknowledged"));
    const [first, second] = await handedOut;
    await enqueued;
    assert.deepEqual(order, ["handed out", "acknowledged"]);
    assert.deepEqual(first.map((a) => a.nodeId), ["a", "c"]);
    assert.deepEqual(second.map((a) => a.nodeId), ["b"]);
    assert.ok(first.every((a) => a.leaseToken > 0 && a.leaseUntil === now + 100));
    const after = committer.stats;
    assert.equal(after.commits - before.commits, 1, "the enqueues and their leases share one fsync'd commit");
    assert.equal(after.unsyncedCommits, before.unsyncedCommits, "no lease transaction of its own");
    const rows = await queue.listByExecution("p:d:e1");
    assert.deepEqual(rows.map((r) => [r.nodeId, r.state, r.workerId, r.leaseCount]), [["a", "leased", "w1", 1], ["b", "leased", "w2", 1], ["c", "leased", "w1", 1]]);
    // The lease is an ordinary one: completing it with its token records the result.
    const [a] = first;
    assert.ok(a);
    assert.equal(await queue.complete(a.id, "w1", bytes("x"), undefined, undefined, a.leaseToken), "recorded");
  });

  test("a hand-out is the enqueue's INSERT alone: the row is inserted leased, with no UPDATE to claim it", { timeout: 120_000 }, async () => {
    const waiting = queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 3_600_000 });
    await groupCommitterFor(db).flush();
    const { value: found, ran } = await statementsOf(() => queue.enqueueOrFind(request("a")));
    const [a] = await waiting;
    assert.equal(found.state, "leased");
    assert.equal(a?.id, found.id);
    assert.equal(new TextDecoder().decode(a?.payload), "run a");
    const writes = ran.filter((sql) => /^(INSERT|UPDATE) /.test(sql.trim()));
    assert.equal(writes.length, 1, `one write per hand-out, ran: ${writes.join(" | ")}`);
    assert.match(writes[0] ?? "", /^INSERT INTO queue_attempts/);
    const [row] = await queue.listByExecution("p:d:e1");
    assert.deepEqual([row?.state, row?.workerId, row?.leaseCount, row?.leaseUntil], ["leased", "w1", 1, now + 100]);
    assert.equal(await queue.pendingCount(), 0);
    assert.equal(await queue.complete(found.id, "w1", bytes("x"), undefined, undefined, a?.leaseToken), "recorded");
  });

  test("a completion by the lease holder is one UPDATE, with no read first; the others are told apart after it", async () => {
    await queue.enqueue(request("a"));
    const [a] = await queue.lease("w1", { max: 1, leaseMs: 100 });
    assert.ok(a);
    const { value: outcome, ran } = await statementsOf(() => queue.complete(a.id, "w1", bytes("x"), undefined, undefined, a.leaseToken));
    assert.equal(outcome, "recorded");
    const own = ran.filter((sql) => sql.includes("queue_attempts"));
    assert.equal(own.length, 1, `ran: ${own.join(" | ")}`);
    assert.match(own[0] ?? "", /^UPDATE queue_attempts SET state = 'completed'/);
    assert.equal((await queue.get(a.id))?.state, "completed");
    assert.equal(await queue.complete(a.id, "w1", bytes("y"), undefined, undefined, a.leaseToken), "duplicate");
    assert.deepEqual((await queue.get(a.id))?.result, bytes("x"), "recorded once");
  });

  test("the enqueuer's decoded payload reaches the lease holder once, by lease and by hand-out; never another attempt's", { timeout: 120_000 }, async () => {
    const decodedA = { message: "a" };
    await queue.enqueue({ ...request("a"), decoded: decodedA });
    await queue.enqueue(request("b"));
    const leased = await queue.lease("w1", { max: 2, leaseMs: 100 });
    assert.deepEqual(leased.map((a) => [a.nodeId, a.decoded]), [["a", decodedA], ["b", undefined]]);
    const decodedC = { message: "c" };
    const waiting = queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 3_600_000 });
    await groupCommitterFor(db).flush();
    await queue.enqueueOrFind({ ...request("c"), decoded: decodedC });
    const [c] = await waiting;
    assert.equal(c?.decoded, decodedC);
  });

  test("a lease of attempts this process enqueued reads no row back: it hands out the enqueued bytes themselves", { timeout: 120_000 }, async () => {
    const a = { ...request("a"), decoded: { message: "a" } };
    await queue.enqueue(a);
    await queue.enqueue(request("b"));
    const { value: leased, ran } = await statementsOf(() => queue.lease("w1", { max: 2, leaseMs: 100 }));
    assert.deepEqual(leased.map((x) => x.nodeId), ["a", "b"]);
    assert.equal(leased[0]?.payload, a.payload, "the very array enqueued, not a copy read back");
    assert.deepEqual([leased[0]?.taskKey, leased[0]?.priority, leased[0]?.leaseUntil], ["p:d:t:v1", 0, now + 100]);
    const claims = ran.filter((sql) => /^UPDATE queue_attempts SET state = 'leased'/.test(sql.trim()));
    assert.equal(claims.length, 2);
    assert.doesNotMatch(claims[0] ?? "", /RETURNING/, "the kept attempt's claim returns nothing");
    assert.match(claims[1] ?? "", /RETURNING/, "an attempt enqueued without its message is read back");
    assert.equal(new TextDecoder().decode(leased[1]?.payload), "run b");
    const [row] = await queue.listByExecution("p:d:e1");
    assert.deepEqual([row?.state, row?.workerId, row?.leaseCount], ["leased", "w1", 1]);
    assert.equal(await queue.complete(leased[0]?.id ?? 0, "w1", bytes("x"), undefined, undefined, leased[0]?.leaseToken), "recorded");
  });

  test("an attempt cancelled in its enqueue's own commit keeps nothing to hand out", { timeout: 120_000 }, async () => {
    const committer = groupCommitterFor(db);
    const enqueued = queue.enqueueOrFind({ ...request("a"), decoded: { message: "a" } });
    const cancelled = queue.cancel("p:d:e1");
    await Promise.all([enqueued, cancelled]);
    assert.equal((await cancelled).length, 1);
    await queue.enqueue({ ...request("b"), decoded: { message: "b" } });
    await committer.flush();
    const leased = await queue.lease("w1", { max: 5, leaseMs: 100 });
    assert.deepEqual(leased.map((x) => x.nodeId), ["b"]);
  });

  test("a long poll that finds nothing pending reads the queue once before it waits", { timeout: 120_000 }, async () => {
    await groupCommitterFor(db).flush();
    const { value, ran } = await statementsOf(() => queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 20 }));
    assert.deepEqual(value, []);
    assert.deepEqual(ran, ["SELECT 1 FROM queue_attempts WHERE state = 'pending' LIMIT 1"]);
  });

  test("a long poll ends empty when it times out or is aborted", async () => {
    assert.deepEqual(await queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 20 }), []);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    assert.deepEqual(await queue.leaseOrWait("w1", { max: 1, leaseMs: 100, waitMs: 60_000, signal: controller.signal }), []);
    assert.equal(await queue.waitForWork(10), false);
  });

  test("queued work survives closing and reopening the database", async () => {
    await queue.enqueue(request("a"));
    db.close();
    db = openDatabase(join(dir, "queue.db"));
    const reopened = new AttemptQueue(db, { now: () => now });
    const [attempt] = await reopened.lease("w1", { max: 1, leaseMs: 100 });
    assert.equal(attempt?.nodeId, "a");
  });
});
