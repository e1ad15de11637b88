/**
 * Holds every thread of libuv's pool, so that nothing queued there after it (the WAL's fsync of
 * the group committer, wal-sync.ts) runs until {@link ThreadPoolHold.release}. For tests that must
 * show what does NOT wait for an fsync, without timing anything: each thread is parked in an
 * `open()` of a FIFO for reading, which blocks until a writer opens it; libuv runs its queue in
 * order, so every later request waits behind them.
 */
import { execFileSync } from "node:child_process";
import { constants, closeSync, openSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** See the module comment. */
export interface ThreadPoolHold {
  /** Lets the parked threads go; resolves once they are free again. */
  release(): Promise<void>;
}

/**
 * Parks the pool's threads (`UV_THREADPOOL_SIZE`, 4 by default) on a FIFO made in `dir`. Call
 * before the work that must be held; requests queued before this call may still run.
 */
export function holdThreadPool(dir: string): ThreadPoolHold {
  const fifo = join(dir, "thread-pool-hold.fifo");
  execFileSync("mkfifo", [fifo]);
  const size = Math.max(1, Number(process.env["UV_THREADPOOL_SIZE"] ?? 4) || 4);
  const parked: Array<Promise<FileHandle>> = [];
  for (let i = 0; i < size; i++) parked.push(open(fifo, "r"));
  return {
    async release(): Promise<void> {
      // A writer lets every reader blocked in open() through. Non-blocking: it fails (ENXIO) only
      // while no pool thread has reached its open() yet.
      let writer: number | undefined;
      while (writer === undefined) {
        try {
          writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
      try {
        for (const handle of await Promise.all(parked)) await handle.close();
      } finally {
        closeSync(writer);
      }
    },
  };
}
