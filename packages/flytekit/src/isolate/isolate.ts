/**
 * An isolate: a worker thread that runs task attempts, one at a time, and that its host can stop
 * at any moment. Worker threads rather than child processes: they start about twice as fast, cost
 * about a quarter of the memory, and still give what an attempt needs — heap limits
 * (`resourceLimits`), a hard stop that ends synchronous loops (`terminate()`), and a
 * `process.exit()` that ends only the thread. See docs/isolation.md for the measurements.
 *
 * A timeout or a terminate first aborts the attempt's AbortSignal inside the thread; if the
 * attempt has not ended after the grace period, the thread is terminated. An isolate that crashed,
 * exited, ran out of memory or was stopped is dead; its host starts another.
 */
import type { EventLoopUtilization } from "node:perf_hooks";
import type { Worker } from "node:worker_threads";
import type { ErrorInfo, FromThread, LogStream, ToThread } from "./protocol.ts";
import { heapLimitsOf } from "./memory-limit.ts";
import { learnResolutions, sharedResolutions } from "./resolution-cache.ts";

const FIRST_MODULE = new URL(`./compile-cache-entry${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** How long an aborted attempt may take to end on its own before its isolate is stopped. */
export const DEFAULT_GRACE_MS = 1_000;

/** Options of {@link Isolate}. */
export interface IsolateOptions {
  /** The thread's entry module; it calls `serveIsolate` (thread-kit.ts). */
  readonly entry: URL;
  /** Heap cap in MiB (`limits.mem`). @default none (V8's default heap size) */
  readonly memoryMb?: number;
  /** Passed to the thread as `workerData` (an object; its `entry` key is taken). */
  readonly workerData?: object;
}

/** How an attempt in an isolate ended. */
export type IsolateEnd =
  /** The attempt's code returned `value` (which may itself describe a failure). */
  | { readonly kind: "done"; readonly value: unknown }
  /** An error left uncaught (in a timer, a rejected promise nobody awaited). */
  | { readonly kind: "crashed"; readonly error: ErrorInfo }
  /** The code called `process.exit(code)` (or the thread died otherwise). */
  | { readonly kind: "exited"; readonly code: number }
  /** The heap grew past its cap. */
  | { readonly kind: "out-of-memory"; readonly memoryMb: number | undefined; readonly message: string }
  /** Aborted and still running after the grace period: the isolate was terminated. */
  | { readonly kind: "stopped"; readonly reason: string };

/** Options of {@link Isolate.run}. */
export interface IsolateRunOptions {
  /** Aborting it aborts the attempt's signal in the thread, then stops the isolate after `graceMs`. */
  readonly signal?: AbortSignal;
  /** @default {@link DEFAULT_GRACE_MS} */
  readonly graceMs?: number;
  /** What the attempt prints, as it prints it; `item` names the item of a run of many (thread-kit.ts `item`). */
  readonly onLog?: (text: string, stream: LogStream, item?: number) => void;
  /** Answers the attempt's requests (thread-kit.ts `request`). */
  readonly onRequest?: (value: unknown) => Promise<unknown>;
}

/** One worker thread running attempts (see the module comment). */
export class Isolate {
  readonly memoryMb: number | undefined;
  readonly #worker: Worker;
  #alive = true;
  #busy = false;
  #lastWaitedMs = 0;
  /** Ends the running attempt; set while one runs. */
  #end: ((end: IsolateEnd) => void) | undefined;
  #onLog: ((text: string, stream: LogStream, item?: number) => void) | undefined;
  /** Stops the isolate if the running run outlives an item's abort by its grace period. */
  #itemGrace: NodeJS.Timeout | undefined;
  #onRequest: ((value: unknown) => Promise<unknown>) | undefined;
  /** How the thread died, for an attempt that starts after (or while) it dies. */
  #death: IsolateEnd | undefined;
  readonly #ready = Promise.withResolvers<boolean>();

  constructor(options: IsolateOptions) {
    this.memoryMb = options.memoryMb;
    // node:worker_threads loads with the first isolate, not with every local run that imports this.
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    this.#worker = new Worker(FIRST_MODULE, {
      workerData: { ...options.workerData, entry: options.entry.href, resolutions: sharedResolutions() },
      ...(options.memoryMb !== undefined ? { resourceLimits: heapLimitsOf(options.memoryMb) } : {}),
    });
    this.#worker.on("message", (message: FromThread) => this.#onMessage(message));
    this.#worker.on("error", (err: Error & { code?: string }) => {
      this.#die(
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? { kind: "out-of-memory", memoryMb: this.memoryMb, message: err.message }
          : { kind: "crashed", error: { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) } },
      );
    });
    this.#worker.on("exit", (code) => this.#die({ kind: "exited", code }));
    // Idle isolates never keep the process alive; a running attempt does (see run()). After the
    // listeners: adding one may ref the thread again.
    this.#worker.unref();
  }

  /** False once the thread crashed, exited, ran out of memory or was stopped. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Resolves `true` once the thread has loaded its entry and serves attempts, `false` if it died
   * first. An attempt may be run before: it then waits for the load.
   */
  get ready(): Promise<boolean> {
    return this.#ready.promise;
  }

  /**
   * How busy the thread's event loop has been (Node's `eventLoopUtilization`, read from this
   * side): since the thread started, or since `previous` (an earlier reading). Its `idle` share of
   * a running attempt is about the time the attempt has awaited so far.
   */
  eventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization {
    return this.#worker.performance.eventLoopUtilization(previous);
  }

  /**
   * How long the last attempt that ended normally awaited (the thread's event loop was idle while
   * it ran), in ms; 0 before any. Attempts that compute gain nothing from more threads than cores.
   */
  get lastWaitedMs(): number {
    return this.#lastWaitedMs;
  }

  /** True while an attempt runs. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Runs one attempt; never rejects. One attempt at a time. */
  run(payload: unknown, options: IsolateRunOptions = {}): Promise<IsolateEnd> {
    if (this.#busy) throw new Error("an isolate runs one attempt at a time");
    if (this.#death !== undefined) return Promise.resolve(this.#death);
    this.#busy = true;
    this.#onLog = options.onLog;
    this.#onRequest = options.onRequest;
    this.#worker.ref();
    const signal = options.signal;
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      // An aborted attempt's outcome is already decided: it must not keep the process alive.
      this.#worker.unref();
      const reason: unknown = signal?.reason;
      const name = reason instanceof Error ? reason.name : "AbortError";
      const message = reason instanceof Error ? reason.message : "the attempt was aborted";
      this.#post({ kind: "abort", name, message });
      graceTimer = setTimeout(() => {
        this.#finish({ kind: "stopped", reason: message });
        void this.terminate();
      }, options.graceMs ?? DEFAULT_GRACE_MS);
      graceTimer.unref();
    };
    const ended = new Promise<IsolateEnd>((resolve) => (this.#end = resolve));
    // The run goes first: the thread takes messages in order, and an abort it read before this
    // run would reach the previous run's controller, leaving this run to the grace period.
    this.#post({ kind: "run", payload });
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    return ended.finally(() => {
      clearTimeout(graceTimer);
      signal?.removeEventListener("abort", onAbort);
    });
  }

  /**
   * Aborts one item of the running run (thread-kit.ts `ThreadAttempt.item`): its signal in the
   * thread, then, if the run has not ended after `graceMs`, the isolate is stopped (the run ends
   * "stopped"; the host decides what becomes of the other items). No-op when nothing runs.
   */
  abortItem(item: number, reason: unknown, graceMs: number = DEFAULT_GRACE_MS): void {
    if (!this.#busy) return;
    const name = reason instanceof Error ? reason.name : "AbortError";
    const message = reason instanceof Error ? reason.message : "the attempt was aborted";
    this.#post({ kind: "abort", name, message, item });
    if (this.#itemGrace !== undefined) return;
    this.#itemGrace = setTimeout(() => {
      this.#itemGrace = undefined;
      if (!this.#busy) return;
      this.#finish({ kind: "stopped", reason: message });
      void this.terminate();
    }, graceMs);
    this.#itemGrace.unref();
  }

  /** Stops the thread at once (a running attempt ends as "stopped"). */
  async terminate(): Promise<void> {
    this.#finish({ kind: "stopped", reason: "the isolate was terminated" });
    this.#alive = false;
    this.#ready.resolve(false);
    await this.#worker.terminate();
  }

  #post(message: ToThread): void {
    if (this.#alive) this.#worker.postMessage(message);
  }

  #onMessage(message: FromThread): void {
    switch (message.kind) {
      case "ready":
        this.#ready.resolve(true);
        return;
      case "resolutions":
        learnResolutions(message.entries);
        return;
      case "log":
        this.#onLog?.(message.text, message.stream, message.item);
        return;
      case "done":
        this.#lastWaitedMs = message.waitedMs;
        this.#finish({ kind: "done", value: message.value });
        return;
      case "crash":
        // An error nobody caught may leave anything half done: this thread runs nothing more.
        this.#die({ kind: "crashed", error: message.error });
        void this.#worker.terminate();
        return;
      case "request": {
        const answer = this.#onRequest?.(message.value) ?? Promise.reject(new Error("this host answers no requests"));
        answer.then(
          (value) => this.#post({ kind: "reply", id: message.id, ok: true, value }),
          (err: unknown) => this.#post({ kind: "reply", id: message.id, ok: false, value: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
    }
  }

  #die(end: IsolateEnd): void {
    this.#alive = false;
    this.#ready.resolve(false);
    this.#death ??= end;
    this.#finish(end);
  }

  #finish(end: IsolateEnd): void {
    const resolve = this.#end;
    if (resolve === undefined) return;
    this.#end = undefined;
    this.#busy = false;
    clearTimeout(this.#itemGrace);
    this.#itemGrace = undefined;
    this.#onLog = undefined;
    this.#onRequest = undefined;
    if (this.#alive) this.#worker.unref();
    resolve(end);
  }
}
