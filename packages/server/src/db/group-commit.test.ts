import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, test } from "node:test";
import { openDatabase, type Database } from "./database.ts";
import { GroupAbortError, GroupCommitClosedError, GroupCommitter, groupCommitterFor } from "./group-commit.ts";

describe("group commit", () => {
  let dir: string;
  let db: Database;
  let reader: DatabaseSync;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-group-commit-"));
    db = openDatabase(join(dir, "db.sqlite"));
    db.sqlite.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    // A second connection sees only what is committed.
    reader = new DatabaseSync(join(dir, "db.sqlite"));
  });

  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (): number => (reader.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;

  test("writes submitted in the same tick share one transaction, in submission order", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => committer.submit(() => Number(insert.run(i, `v${i}`).lastInsertRowid))),
    );
    assert.deepEqual(results, Array.from({ length: 500 }, (_, i) => i));
    assert.equal(committer.stats.commits, 1);
    assert.equal(committer.stats.operations, 500);
    assert.equal(count(), 500);
  });

  test("a promise resolves only after the commit, so an acknowledged write is visible to others", async () => {
    const committer = new GroupCommitter(db);
    let acknowledged = false;
    const written = committer.submit(() => db.sqlite.prepare("INSERT INTO t (k, v) VALUES (1, 'a')").run());
    void written.then(() => (acknowledged = true));
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(acknowledged, false, "not acknowledged before the commit");
    assert.equal(count(), 0, "nothing visible before the commit");
    await written;
    assert.equal(count(), 1);
  });

  test("an operation that throws rolls back only its own writes and rejects only its caller", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const outcomes = await Promise.allSettled([
      committer.submit(() => insert.run(1, "a")),
      committer.submit(() => {
        insert.run(2, "b");
        throw new Error("refused");
      }),
      committer.submit(() => insert.run(3, "c")),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.deepEqual(reader.prepare("SELECT k FROM t ORDER BY k").all().map((r) => r.k), [1, 3]);
    assert.equal(committer.stats.commits, 1);
    assert.equal(committer.stats.failedOperations, 1);
  });

  test("an operation alone in its group runs without a savepoint: if it throws, nothing is committed, and it rejects after an fsync", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    await committer.submit(() => insert.run(1, "a"));
    const traced = committer.submit(() => {
      insert.run(2, "b");
      // The group's savepoint would be named group_op.
      assert.throws(() => db.sqlite.exec("RELEASE group_op"), /no such savepoint/);
      return "ok";
    });
    assert.equal(await traced, "ok");
    const before = committer.stats;
    const refused = committer.submit(() => {
      insert.run(3, "c");
      throw new Error("refused");
    });
    await assert.rejects(refused, /refused/);
    const after = committer.stats;
    assert.deepEqual(reader.prepare("SELECT k FROM t ORDER BY k").all().map((r) => r.k), [1, 2], "its write undone");
    assert.equal(after.commits - before.commits, 0, "no empty commit");
    assert.equal(after.failedOperations - before.failedOperations, 1);
    assert.equal(after.walSyncs - before.walSyncs, 1, "the refusal followed an fsync (it may rest on rows another group committed)");
    // Two operations in one group still get a savepoint each.
    const pair = await Promise.allSettled([
      committer.submit(() => insert.run(4, "d")),
      committer.submit(() => {
        // Released and opened again: it exists (a missing one would throw).
        db.sqlite.exec("RELEASE group_op");
        db.sqlite.exec("SAVEPOINT group_op");
        insert.run(5, "e");
        throw new Error("refused");
      }),
    ]);
    assert.deepEqual(pair.map((o) => o.status), ["fulfilled", "rejected"]);
    assert.deepEqual(reader.prepare("SELECT k FROM t ORDER BY k").all().map((r) => r.k), [1, 2, 4]);
  });

  test("when the commit itself fails, every write of the group rejects and none is visible", async () => {
    db.sqlite.exec("PRAGMA busy_timeout = 0");
    reader.exec("BEGIN IMMEDIATE"); // another writer holds the lock: BEGIN IMMEDIATE fails
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const outcomes = await Promise.allSettled([committer.submit(() => insert.run(1, "a")), committer.submit(() => insert.run(2, "b"))]);
    reader.exec("ROLLBACK");
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected"]);
    assert.equal(count(), 0);
    assert.equal(committer.stats.failedCommits, 1);
    await committer.submit(() => insert.run(3, "c"));
    assert.equal(count(), 1, "the committer recovers for the next group");
  });

  test("a group larger than maxOperations is split over several commits", async () => {
    const committer = new GroupCommitter(db, { maxOperations: 100 });
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    await Promise.all(Array.from({ length: 250 }, (_, i) => committer.submit(() => insert.run(i, "x"))));
    assert.equal(committer.stats.commits, 3);
    assert.equal(count(), 250);
  });

  test("stores on one database share one committer, and a closed committer refuses writes", async () => {
    const committer = groupCommitterFor(db);
    assert.equal(groupCommitterFor(db), committer);
    await committer.close();
    await assert.rejects(committer.submit(() => 1), GroupCommitClosedError);
  });

  test("unsynced writes of one tick share a transaction of their own, and later commits are fsynced again", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const synchronous = (): unknown => (db.sqlite.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
    const outcomes = await Promise.allSettled([
      committer.submitUnsynced(() => Number(insert.run(1, "a").lastInsertRowid)),
      committer.submitUnsynced(() => {
        insert.run(2, "b");
        throw new Error("refused");
      }),
      committer.submit(() => insert.run(3, "c")),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.deepEqual(reader.prepare("SELECT k FROM t ORDER BY k").all().map((r) => r.k), [1, 3], "a throwing operation is rolled back alone");
    assert.deepEqual([committer.stats.unsyncedCommits, committer.stats.commits], [1, 1]);
    assert.equal(synchronous(), 2, "synchronous is FULL again for everyone else's commits");
  });

  test("submitUnsyncedNow commits at once when nothing is queued before it, once per turn; otherwise it queues in order", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const first = committer.submitUnsyncedNow(() => insert.run(1, "a"));
    assert.equal(count(), 1, "committed before the call returned: visible to another connection");
    assert.equal(committer.stats.unsyncedCommits, 1);
    const second = committer.submitUnsyncedNow(() => insert.run(2, "b"));
    const third = committer.submitUnsyncedNow(() => insert.run(3, "c"));
    assert.equal(count(), 1, "the rest of the turn shares the next unsynced group");
    await Promise.all([first, second, third]);
    assert.equal(count(), 3);
    assert.equal(committer.stats.unsyncedCommits, 2);
    const queued = committer.submitUnsynced(() => insert.run(4, "d"));
    const after = committer.submitUnsyncedNow(() => insert.run(5, "e"));
    assert.equal(count(), 3, "behind a queued unsynced operation it waits its turn");
    await Promise.all([queued, after]);
    assert.deepEqual(reader.prepare("SELECT k FROM t ORDER BY k").all().map((r) => r.k), [1, 2, 3, 4, 5]);
    await assert.rejects(committer.submitUnsyncedNow(() => {
      throw new Error("refused");
    }), /refused/);
    assert.equal((db.sqlite.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous, 2, "FULL again after it");
  });

  test("commitSoon commits the fsync'd group once the microtasks queued now have run, ahead of the turn's check phase; once per turn", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const order: string[] = [];
    const write = (k: number): Promise<void> =>
      committer.submit(() => {
        insert.run(k, "x");
        committer.afterCommit(() => order.push(`commit of ${k}`));
      });
    setImmediate(() => order.push("check phase"));
    // From a microtask, as a completion's continuation calls it.
    await Promise.resolve();
    const commits = committer.stats.commits;
    const writes = [write(1)];
    committer.commitSoon();
    // The caller's reaction, a few microtasks later, joins the same group.
    await Promise.resolve();
    writes.push(write(2));
    const third = new Promise<void>((resolve) => {
      process.nextTick(() => {
        // After the early group, in the same turn: a second call waits for the check phase.
        const written = write(3);
        committer.commitSoon();
        resolve(written);
      });
    });
    // All three are awaited: the first group's fsync may finish before or after the check phase.
    await Promise.all([...writes, third]);
    assert.deepEqual(order, ["commit of 1", "commit of 2", "check phase", "commit of 3"]);
    assert.equal(committer.stats.commits - commits, 2);
  });

  test("submitAhead runs its operation first in the next fsync'd group, ahead of those queued before; refused while unsynced writes are queued or inside an operation", async () => {
    const committer = new GroupCommitter(db);
    const order: string[] = [];
    const queued = committer.submit(() => order.push("queued"));
    const ahead = committer.submitAhead(() => order.push("ahead"));
    assert.ok(ahead);
    await Promise.all([queued, ahead]);
    assert.deepEqual(order, ["ahead", "queued"]);
    assert.equal(committer.stats.commits, 1, "one transaction");
    const unsynced = committer.submitUnsynced(() => undefined);
    assert.equal(committer.submitAhead(() => undefined), undefined, "would commit before the unsynced write queued earlier");
    await unsynced;
    let inside: unknown = "not run";
    await committer.submit(() => (inside = committer.submitAhead(() => undefined)));
    assert.equal(inside, undefined);
  });

  test("an operation throwing GroupAbortError undoes its whole group: every write rejects and none is visible", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const before = committer.submit(() => insert.run(1, "a"));
    const aborting = committer.submit(() => {
      insert.run(2, "b");
      throw new GroupAbortError("the decision does not hold");
    });
    const after = committer.submit(() => insert.run(3, "c"));
    for (const p of [before, aborting, after]) await assert.rejects(p, GroupAbortError);
    assert.equal(count(), 0);
    assert.equal(db.sqlite.isTransaction, false);
    await committer.submit(() => insert.run(4, "d"));
    assert.equal(count(), 1, "the next group commits as usual");
    // An operation queued ahead undoes its group whatever it throws: the others were written on its strength.
    const queued = committer.submit(() => insert.run(5, "e"));
    const ahead = committer.submitAhead(() => insert.run(4, "duplicate key"));
    assert.ok(ahead);
    await assert.rejects(ahead, /UNIQUE constraint failed/);
    await assert.rejects(queued, /UNIQUE constraint failed/);
    assert.equal(count(), 1);
  });

  test("a synced write resolves after the log's fsync; synced() joins the next group and shares its fsync", async () => {
    const committer = new GroupCommitter(db);
    await committer.submitUnsynced(() => db.sqlite.prepare("INSERT INTO t (k, v) VALUES (1, 'a')").run());
    assert.equal(committer.stats.walSyncs, 0, "an unsynced write waits for no fsync");
    await committer.synced();
    assert.equal(committer.stats.walSyncs, 1, "with nothing else pending, the barrier has a group and an fsync of its own");
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const before = committer.stats.commits;
    await Promise.all([committer.synced(), committer.submit(() => insert.run(2, "b")), committer.synced()]);
    assert.equal(committer.stats.commits - before, 1, "callers in one tick share one commit");
    assert.equal(committer.stats.walSyncs, 2, "and one fsync");
    assert.equal((db.sqlite.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous, 2, "FULL again for commits outside the committer");
  });

  test("groups committed while an fsync runs share the next one, and every write waits for an fsync started after its commit", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(committer.submit(() => insert.run(i, "x")));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(writes);
    assert.equal(count(), 20);
    assert.ok(committer.stats.walSyncs >= 1 && committer.stats.walSyncs <= committer.stats.commits, `fsyncs ${committer.stats.walSyncs}, commits ${committer.stats.commits}`);
  });

  test("afterCommit hooks run once their operation committed, before its fsync resolves it; not for a failed operation", async () => {
    const committer = new GroupCommitter(db);
    const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const order: string[] = [];
    const ok = committer.submit(() => {
      insert.run(1, "a");
      committer.afterCommit(() => order.push(`hook sees ${count()} row(s)`));
    });
    const failed = committer.submit(() => {
      committer.afterCommit(() => order.push("hook of a failed operation"));
      throw new Error("refused");
    });
    await ok.then(() => order.push("resolved"));
    await assert.rejects(failed, /refused/);
    assert.deepEqual(order, ["hook sees 1 row(s)", "resolved"]);
    assert.throws(() => committer.afterCommit(() => undefined), /only from inside a submitted operation/);
  });

  test("without fsync (or in memory) a synced write waits for no fsync", async () => {
    const memory = openDatabase(":memory:");
    const relaxed = openDatabase(join(dir, "relaxed.sqlite"), { fsync: false });
    try {
      for (const each of [memory, relaxed]) {
        const committer = new GroupCommitter(each);
        await committer.submit(() => each.sqlite.exec("CREATE TABLE u (x)"));
        assert.equal(committer.stats.walSyncs, 0);
      }
    } finally {
      memory.close();
      relaxed.close();
    }
  });

  test("a transaction helper call inside a group operation joins the group's transaction", async () => {
    const committer = new GroupCommitter(db);
    await committer.submit(() => db.transaction(() => db.sqlite.prepare("INSERT INTO t (k, v) VALUES (1, 'a')").run()));
    assert.equal(count(), 1);
  });
});

test("writes pending when the database closes reject instead of crashing the process", async () => {
  const db = openDatabase(":memory:");
  const committer = new GroupCommitter(db);
  const written = committer.submit(() => 1);
  db.close();
  await assert.rejects(written, /not open/);
});
