/**
 * The physical floor of durable figures on this disk, measured in the same run: how long one
 * single-row commit takes with the server's database settings (fsync per commit, or not).
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "../packages/server/src/db/database.ts";

const COMMITS = 300;

/** The `note` of a figure: the durability setting it was measured with. */
export function durabilityNote(fsync: boolean): string {
  return fsync ? "fsync per commit (synchronous=FULL, WAL)" : "no fsync per commit (synchronous=NORMAL, WAL)";
}

/** p50 and p99, in ms, of one single-row commit in a fresh database under `dir`. */
export function fsyncCommitLatency(dir: string, fsync: boolean): { p50: number; p99: number; perSecond: number } {
  const db = openDatabase(join(dir, `fsync-baseline-${fsync}.db`), { fsync });
  try {
    db.sqlite.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
    const insert = db.sqlite.prepare("INSERT INTO t (v) VALUES (?)");
    const value = new Uint8Array(64);
    const samples: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const start = performance.now();
      db.transaction(() => insert.run(value));
      samples.push(performance.now() - start);
    }
    const total = samples.reduce((a, b) => a + b, 0);
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(COMMITS / 2)]!, p99: samples[Math.floor(COMMITS * 0.99)]!, perSecond: (COMMITS / total) * 1000 };
  } finally {
    db.close();
  }
}
