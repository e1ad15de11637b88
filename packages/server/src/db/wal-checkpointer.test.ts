// Checkpoints of the write-ahead log on a thread of their own (wal-checkpointer.ts), driven by the
// group committer: real SQLite files, a real worker thread.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { openDatabase } from "./database.ts";
import { GroupCommitter } from "./group-commit.ts";
import { WalCheckpointer } from "./wal-checkpointer.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyte-wal-checkpointer-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("with fsync on, the committer's connection never checkpoints; a thread of its own does, and every write survives a reopen", async () => {
  const path = join(dir, "db.sqlite");
  const db = openDatabase(path);
  db.sqlite.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  const committer = new GroupCommitter(db);
  assert.equal((db.sqlite.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint, 0);
  const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  // One commit each, a few pages apiece: enough commits to ask for checkpoints.
  for (let i = 0; i < 300; i++) await committer.submit(() => insert.run(i, new Uint8Array(3000).fill(i % 256)));
  // The thread answers in its own time: generous on a busy machine.
  for (let i = 0; i < 600 && committer.stats.checkpoints === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(committer.stats.checkpoints > 0, "checkpointed off the event loop");
  await committer.close();
  db.close();
  // The thread's connection closed first, so this one was the last: it checkpointed and removed the log.
  assert.equal(existsSync(`${path}-wal`), false, "the log removed at close");
  const reopened = openDatabase(path);
  assert.equal((reopened.sqlite.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 300);
  assert.equal((reopened.sqlite.prepare("SELECT v FROM t WHERE k = 299").get() as { v: Uint8Array }).v[0], 299 % 256);
  reopened.close();
});

test("a prestarted checkpoint thread is running before the first commit, and serves the checkpoints as a lazy one does", async () => {
  const path = join(dir, "db.sqlite");
  const db = openDatabase(path);
  db.sqlite.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  const committer = new GroupCommitter(db);
  assert.equal(committer.stats.checkpointThread, false, "lazy until asked");
  committer.prestartCheckpoints();
  assert.equal(committer.stats.checkpointThread, true);
  assert.equal(committer.stats.commits, 0);
  const insert = db.sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  for (let i = 0; i < 200; i++) await committer.submit(() => insert.run(i, new Uint8Array(3000).fill(i % 256)));
  for (let i = 0; i < 600 && committer.stats.checkpoints === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(committer.stats.checkpoints > 0, "the prestarted thread checkpoints");
  await committer.close();
  db.close();
  assert.equal(existsSync(`${path}-wal`), false, "the log removed at close");
});

test("without fsync there is no checkpoint thread: SQLite's own checkpoints stay on", () => {
  const db = openDatabase(join(dir, "db.sqlite"), { fsync: false });
  const committer = new GroupCommitter(db);
  assert.equal((db.sqlite.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint, 1000);
  assert.equal(committer.stats.checkpoints, 0);
  committer.prestartCheckpoints();
  assert.equal(committer.stats.checkpointThread, false, "nothing to prestart");
  db.close();
});

test("a checkpoint thread that cannot open the database reports it once, and takes no further requests", async () => {
  const reasons: string[] = [];
  const failed = Promise.withResolvers<void>();
  const checkpointer = new WalCheckpointer(join(dir, "missing-folder", "db.sqlite"), (reason) => {
    reasons.push(reason);
    failed.resolve();
  });
  assert.equal(checkpointer.request(), true);
  await failed.promise;
  assert.equal(checkpointer.request(), false);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(reasons.length, 1, reasons.join("; "));
  assert.match(reasons[0] ?? "", /checkpoint thread failed|exited/);
  checkpointer.close();
});
