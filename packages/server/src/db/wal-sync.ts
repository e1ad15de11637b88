/**
 * fsync of a SQLite database's write-ahead log, off the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside `COMMIT`, on the thread that commits: the
 * server's event loop stops for the whole fsync (0.1 ms on a quiet disk, 5–10 ms on a busy one),
 * and leases, completions and reads wait behind it. The group committer instead commits with
 * `synchronous=NORMAL` (the WAL is written, not synced) and then calls {@link WalSync.sync}, which
 * fsyncs the WAL file on libuv's thread pool while the loop goes on; a write is acknowledged only
 * after that fsync returned, so acknowledged writes are exactly as durable as with FULL.
 *
 * Why syncing the file is enough: a commit is durable once its WAL frames are on disk, and
 * fdatasync(2) (what SQLite itself uses on Linux) flushes every dirty page of the file (the
 * inode), whichever descriptor wrote it. SQLite
 * itself syncs the WAL before each checkpoint and the database file after it (`NORMAL` keeps
 * that), so frames a checkpoint moves out of the WAL are durable in the database file before the
 * WAL is reused.
 */
import { open } from "node:fs/promises";

/** fsyncs of one WAL file, shared by everyone waiting (see the module comment). */
export class WalSync {
  readonly #path: string;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #syncs = 0;

  /** `walPath`: the database file's path + `-wal`. */
  constructor(walPath: string) {
    this.#path = walPath;
  }

  /** fsyncs done so far. */
  get syncs(): number {
    return this.#syncs;
  }

  /**
   * Resolves once an fsync of the WAL that STARTED AFTER this call has returned, so every commit
   * that returned before the call is durable. Callers while one fsync runs share the next one.
   */
  sync(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const running = this.#running;
    if (running === undefined) return this.#start();
    const queued = running.then(
      () => this.#next(),
      () => this.#next(),
    );
    this.#queued = queued;
    return queued;
  }

  #next(): Promise<void> {
    this.#queued = undefined;
    return this.#start();
  }

  #start(): Promise<void> {
    const run = fsyncFile(this.#path).then(() => void this.#syncs++);
    this.#running = run;
    void run.then(
      () => this.#settle(run),
      () => this.#settle(run),
    );
    return run;
  }

  #settle(run: Promise<void>): void {
    if (this.#running === run) this.#running = undefined;
  }
}

async function fsyncFile(path: string): Promise<void> {
  // A descriptor of its own: SQLite's is not reachable from JavaScript, and fsync flushes the file
  // whichever descriptor wrote it. Opened per sync, so a WAL file SQLite replaced is never missed.
  const handle = await open(path, "r");
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
