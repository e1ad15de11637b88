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
import { closeSync, fdatasync, fstatSync, openSync, statSync } from "node:fs";

/** fsyncs of one WAL file, shared by everyone waiting (see the module comment). */
export class WalSync {
  readonly #path: string;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #syncs = 0;
  /** The log's descriptor, kept between fsyncs while the path names the same file (see #descriptor). */
  #fd: number | undefined;
  #file = "";
  #closeWanted = false;

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

  /** Closes the kept descriptor once no fsync runs; a later {@link sync} opens the log again. */
  close(): void {
    this.#closeWanted = true;
    if (this.#running === undefined) this.#closeDescriptor();
  }

  #start(): Promise<void> {
    // #descriptor throws (a missing log) inside the executor: the sync rejects with that error.
    const run = new Promise<void>((resolve, reject) => fdatasync(this.#descriptor(), (error) => (error === null ? resolve() : reject(error)))).then(() => void this.#syncs++);
    this.#running = run;
    void run.then(
      () => this.#settle(run),
      () => this.#settle(run),
    );
    return run;
  }

  #settle(run: Promise<void>): void {
    if (this.#running === run) this.#running = undefined;
    if (this.#closeWanted && this.#running === undefined && this.#queued === undefined) this.#closeDescriptor();
  }

  /**
   * The descriptor to fsync. Kept from one fsync to the next, so an fsync is one trip to the
   * thread pool (fdatasync) instead of three (open, fdatasync, close: each a hand-over between
   * threads, milliseconds apiece on a loaded machine). SQLite removes the log when its last
   * connection closes and may create a new one: when the path no longer names the kept file
   * (device and inode, read at once on this thread), the new one is opened. Called only while no
   * fsync runs, so the old descriptor is never closed under one.
   */
  #descriptor(): number {
    const { dev, ino } = statSync(this.#path);
    if (this.#fd !== undefined && this.#file === `${dev}:${ino}`) return this.#fd;
    this.#closeDescriptor();
    const fd = openSync(this.#path, "r");
    const opened = fstatSync(fd);
    this.#fd = fd;
    this.#file = `${opened.dev}:${opened.ino}`;
    this.#closeWanted = false;
    return fd;
  }

  #closeDescriptor(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
