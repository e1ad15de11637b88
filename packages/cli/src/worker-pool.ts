/**
 * The warm worker pool of `flyte start`: N `flyte worker` child processes leasing from the
 * server, each restarted when it dies (with backoff when it keeps dying young) and stopped with
 * the server. Children also exit on their own if this process goes away (IPC disconnect).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `flyte` executable this CLI runs from. */
const FLYTE_BIN = fileURLToPath(new URL("../bin/flyte.js", import.meta.url));

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  readonly size: number;
  readonly endpoint: string;
  /** Bundle cache shared by the pool's workers. */
  readonly cacheDir: string;
  /** Where the workers' output and the pool's notices go. */
  readonly log: NodeJS.WritableStream;
}

interface Slot {
  child: ChildProcess | undefined;
  startedAt: number;
  failures: number;
  timer: NodeJS.Timeout | undefined;
}

/** A pool of worker processes. */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot[] = [];
  #stopping = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Process ids of the live workers. */
  get pids(): number[] {
    return this.#slots.flatMap((s) => (s.child?.pid !== undefined && s.child.exitCode === null ? [s.child.pid] : []));
  }

  /** Starts the workers. */
  start(): void {
    for (let i = 0; i < this.#options.size; i++) {
      const slot: Slot = { child: undefined, startedAt: 0, failures: 0, timer: undefined };
      this.#slots.push(slot);
      this.#spawn(slot, i);
    }
  }

  /** Stops every worker: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        clearTimeout(slot.timer);
        const child = slot.child;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  #spawn(slot: Slot, index: number): void {
    const { endpoint, cacheDir, log } = this.#options;
    const child = spawn(process.execPath, [FLYTE_BIN, "worker", "--endpoint", endpoint, "--cache-dir", cacheDir], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("exit", (code, signal) => {
      if (this.#stopping) return;
      // A worker that dies young is likely to die again: back off up to 30 s.
      slot.failures = Date.now() - slot.startedAt < 10_000 ? slot.failures + 1 : 0;
      const delay = Math.min(30_000, 250 * 2 ** slot.failures);
      log.write(`flyte: worker ${index} exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)}s\n`);
      slot.timer = setTimeout(() => this.#spawn(slot, index), delay);
    });
  }
}
