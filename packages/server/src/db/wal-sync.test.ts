// fsyncs of a WAL file: callers during one fsync share the next one, never the one in flight.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { WalSync } from "./wal-sync.ts";

test("callers during a running fsync share the next one; each waits for an fsync started after its call", async () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-wal-sync-"));
  try {
    const path = join(dir, "db-wal");
    writeFileSync(path, "frames");
    const wal = new WalSync(path);
    const first = wal.sync();
    const second = wal.sync();
    const third = wal.sync();
    assert.notEqual(first, second, "a call during the first fsync waits for a later one");
    assert.equal(second, third, "calls during one fsync share the next");
    await Promise.all([first, second, third]);
    assert.equal(wal.syncs, 2);
    await wal.sync();
    assert.equal(wal.syncs, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a missing log file rejects with the file's error", async () => {
  const wal = new WalSync(join(tmpdir(), "flyte-no-such-dir", "db-wal"));
  await assert.rejects(wal.sync(), /ENOENT/);
  assert.equal(wal.syncs, 0);
});

test("the log's descriptor is kept between fsyncs, opened again when the log is replaced, and closed by close()", async () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-wal-sync-"));
  // This process's descriptors naming `path` (Linux: /proc/self/fd).
  const open = (path: string): string[] =>
    readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path) ? [readlinkSync(`/proc/self/fd/${fd}`)] : [];
      } catch {
        return [];
      }
    });
  try {
    const path = join(dir, "db-wal");
    writeFileSync(path, "frames");
    const wal = new WalSync(path);
    await wal.sync();
    await wal.sync();
    assert.deepEqual(open(path), [path], "one descriptor, kept: an fsync is a single trip to the thread pool");
    unlinkSync(path);
    writeFileSync(path, "a new log");
    await wal.sync();
    assert.deepEqual(open(path), [path], "the new log is synced, the old descriptor closed");
    wal.close();
    assert.deepEqual(open(path), []);
    await wal.sync();
    assert.equal(wal.syncs, 4);
    wal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
