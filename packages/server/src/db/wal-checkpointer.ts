/**
 * Checkpoints of a SQLite write-ahead log on a thread of their own.
 *
 * SQLite checkpoints automatically inside the COMMIT that takes the log past 1,000 pages, on the
 * committing thread: it copies the pages into the database file and fsyncs the log and the file
 * there. For the server that is the event loop, stopped for milliseconds every few dozen group
 * commits; with a commit every millisecond or so it was more than half of the loop's time inside
 * COMMIT (docs/benchmarks.md, sixth round). The group committer turns automatic checkpoints off on
 * its connection and asks this class instead, which runs `PRAGMA wal_checkpoint(PASSIVE)` on its
 * own connection in a worker thread. A passive checkpoint never blocks the writer: commits go on
 * appending to the log while it runs, and the writer starts the log over once a checkpoint has
 * copied all of it.
 *
 * Durability is SQLite's own: the checkpointing connection syncs the log before it copies frames
 * and the database file after, as the automatic checkpoint does. If the thread fails, the
 * connection's automatic checkpoints are turned back on (`onFailure`).
 */
import { Worker } from "node:worker_threads";

/** The worker's code: one connection, one passive checkpoint per request, answered with its result. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = require("node:sqlite");
const closed = new Int32Array(workerData.closed);
const db = new DatabaseSync(workerData.path);
db.exec("PRAGMA busy_timeout = 5000");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  try {
    const row = checkpoint.get();
    parentPort.postMessage({ ok: true, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message ? error.message : error) });
  }
});
`;

/** Longest wait in {@link WalCheckpointer.close} for the thread to close its connection. */
const CLOSE_WAIT_MS = 5000;

/** What one checkpoint reported. */
interface CheckpointResult {
  readonly ok: boolean;
  /** Frames in the log. */
  readonly log?: number;
  /** Frames copied into the database file. */
  readonly checkpointed?: number;
  readonly message?: string;
}

/**
 * Passive checkpoints of the database at `path`, one at a time, in a worker thread started on the
 * first request.
 *
 * @example
 * const checkpointer = new WalCheckpointer("/data/flyte.db", () => db.sqlite.exec("PRAGMA wal_autocheckpoint = 1000"));
 * checkpointer.request(); // returns at once; the checkpoint runs on its thread
 * checkpointer.close();
 */
export class WalCheckpointer {
  readonly #path: string;
  readonly #onFailure: (reason: string) => void;
  #worker: Worker | undefined;
  /** Set to 1 by the thread once its connection is closed. */
  readonly #closedFlag = new Int32Array(new SharedArrayBuffer(4));
  #running = false;
  #closed = false;
  #failed = false;
  #checkpoints = 0;

  /** `onFailure`: called once if a checkpoint fails or the thread ends unasked; no request runs after. */
  constructor(path: string, onFailure: (reason: string) => void) {
    this.#path = path;
    this.#onFailure = onFailure;
  }

  /** Checkpoints completed so far. */
  get checkpoints(): number {
    return this.#checkpoints;
  }

  /** Whether the thread was started (by {@link prestart} or the first request). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Starts the thread now rather than at the first request. A thread's start boots a Node
   * environment: about 50–90 ms of a core. Started lazily, it came after the first 64 commits,
   * inside a new server's first burst of work (a 1,000-item map, the first second of a throughput
   * run) on a 2-core machine; a long-running server starts it before any work arrives.
   */
  prestart(): void {
    if (this.#closed || this.#failed) return;
    this.#thread();
  }

  /** Starts a checkpoint unless one is running (then false: ask again later). */
  request(): boolean {
    if (this.#running || this.#closed || this.#failed) return false;
    this.#running = true;
    this.#thread().postMessage("checkpoint");
    return true;
  }

  /**
   * Closes the thread's connection, after the checkpoint it may be running, and returns once it is
   * closed: the caller's connection is then the database's last one, which checkpoints and removes
   * the log on close as before, and a connection opened right after finds the database unlocked.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (worker === undefined || this.#failed) return;
    worker.postMessage("close");
    // Bounded: a checkpoint takes milliseconds; a thread that died is not waited for long.
    Atomics.wait(this.#closedFlag, 0, 0, CLOSE_WAIT_MS);
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path, closed: this.#closedFlag.buffer } });
    // Never what keeps the process alive.
    worker.unref();
    worker.on("message", (result: CheckpointResult) => {
      this.#running = false;
      if (result.ok) this.#checkpoints++;
      else this.#fail(`a checkpoint failed: ${result.message ?? "unknown error"}`);
    });
    worker.on("error", (error: unknown) => this.#fail(`the checkpoint thread failed: ${error instanceof Error ? error.message : String(error)}`));
    worker.on("exit", (code) => {
      if (!this.#closed) this.#fail(`the checkpoint thread exited (code ${code})`);
    });
    this.#worker = worker;
    return worker;
  }

  #fail(reason: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#running = false;
    if (!this.#closed) {
      this.#closed = true;
      void this.#worker?.terminate();
    }
    this.#onFailure(reason);
  }
}
