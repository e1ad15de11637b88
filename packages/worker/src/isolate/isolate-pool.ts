/**
 * The worker's isolates (flytekit's `Isolate`, one worker thread each, one attempt at a time).
 * Warm isolates are kept per code bundle and memory cap and reused by later attempts of that
 * bundle's tasks — never by another bundle (another version) or by code from the worker's
 * directory. Fresh isolates serve one attempt and are terminated. Dead isolates (crashed, exited,
 * out of memory, stopped) are dropped.
 *
 * New isolates are started on demand, at most `maxStarting` at a time, and an attempt waiting for
 * one takes whichever comes first: a warm isolate of its bundle that its attempt released, or a
 * new one that finished loading. Starting an isolate costs a thread and loading flytekit and the
 * bundle (80–1,000 ms of CPU); a trivial attempt in a warm one costs about a millisecond. Starting
 * one isolate per queued attempt, as a burst of 64 leased attempts would, spends seconds of both
 * cores on threads that a warm isolate would have made unnecessary within milliseconds; attempts
 * that do run long still get their own isolates, `maxStarting` at a time (on two cores, starting
 * more at once is no faster). See docs/benchmarks.md.
 */
import { Isolate } from "flytekit/internal";
import type { AttemptThreadData } from "./attempt-thread.ts";

const ENTRY = new URL(`./attempt-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** Options of {@link IsolatePool}. */
export interface IsolatePoolOptions {
  readonly thread: AttemptThreadData;
  /** Idle isolates kept at most (the least recently used go first). */
  readonly maxIdle: number;
  /** Isolates loading at once, at most. @default 2 */
  readonly maxStarting?: number;
}

interface Waiter {
  /** Bundle key and memory cap, as in the idle list. */
  readonly full: string;
  readonly memoryMb: number | undefined;
  readonly fresh: boolean;
  readonly take: (isolate: Isolate | undefined) => void;
}

/** Isolates by key (see the module comment). */
export class IsolatePool {
  readonly #options: IsolatePoolOptions;
  readonly #maxStarting: number;
  /** Warm idle isolates, least recently used first. */
  #idle: Array<{ full: string; isolate: Isolate }> = [];
  /** Loaded isolates that have run nothing yet (spares), oldest first. */
  #blank: Isolate[] = [];
  readonly #starting = new Set<Isolate>();
  readonly #busy = new Set<Isolate>();
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(options: IsolatePoolOptions) {
    this.#options = options;
    this.#maxStarting = Math.max(1, options.maxStarting ?? 2);
  }

  /** Isolates alive: busy, idle, spare and loading. */
  get size(): number {
    return this.#busy.size + this.#idle.length + this.#blank.length + this.#starting.size;
  }

  /** Starts a spare isolate ahead of the next attempt, unless one is ready or loading. */
  prepare(): void {
    if (this.#closed || this.#starting.size > 0 || this.#blank.some((i) => i.memoryMb === undefined && i.alive)) return;
    this.#start(undefined);
  }

  /**
   * An isolate for code `key` with a heap cap of `memoryMb` (see the module comment): at once when
   * one is idle, else when one is released or started. Resolves `undefined` if `signal` aborts
   * first or the pool closes.
   */
  acquire(key: string, memoryMb: number | undefined, fresh: boolean, signal?: AbortSignal): Promise<Isolate | undefined> {
    if (this.#closed || signal?.aborted === true) return Promise.resolve(undefined);
    const full = `${key}\0${memoryMb ?? ""}`;
    const { promise, resolve } = Promise.withResolvers<Isolate | undefined>();
    const onAbort = (): void => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      resolve(undefined);
    };
    const waiter: Waiter = {
      full,
      memoryMb,
      fresh,
      take: (isolate) => {
        signal?.removeEventListener("abort", onAbort);
        if (isolate !== undefined) this.#busy.add(isolate);
        resolve(isolate);
      },
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#waiters.push(waiter);
    this.#pump();
    return promise;
  }

  /** Gives back an isolate after its attempt: kept warm, or terminated. */
  release(key: string, isolate: Isolate, fresh: boolean): void {
    this.#busy.delete(isolate);
    if (!isolate.alive || fresh) {
      if (isolate.alive) void isolate.terminate();
      // The next attempt of this kind needs a new isolate: have one ready.
      this.prepare();
    } else {
      this.#idle.push({ full: `${key}\0${isolate.memoryMb ?? ""}`, isolate });
    }
    this.#pump();
    this.#idle = this.#idle.filter((e) => e.isolate.alive);
    while (this.#idle.length + this.#blank.length > this.#options.maxIdle) {
      const oldest = this.#idle.shift()?.isolate ?? this.#blank.shift();
      void oldest?.terminate();
    }
  }

  /** Terminates every isolate, busy, idle or loading; waiting acquires resolve `undefined`. */
  async close(): Promise<void> {
    this.#closed = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.take(undefined);
    const all = [...this.#idle.map((e) => e.isolate), ...this.#blank, ...this.#starting, ...this.#busy];
    this.#idle = [];
    this.#blank = [];
    this.#starting.clear();
    this.#busy.clear();
    await Promise.all(all.map((i) => i.terminate()));
  }

  /** Hands idle isolates to waiters in order, then starts isolates for the waiters left. */
  #pump(): void {
    const left: Waiter[] = [];
    for (const waiter of this.#waiters) {
      const isolate = this.#takeIdle(waiter);
      if (isolate !== undefined) waiter.take(isolate);
      else left.push(waiter);
    }
    this.#waiters = left;
    // One loading isolate per waiting attempt at most (an isolate that loads serves any bundle).
    let covered = [...this.#starting].map((i) => i.memoryMb);
    for (const waiter of left) {
      const at = covered.indexOf(waiter.memoryMb);
      if (at !== -1) covered = covered.toSpliced(at, 1);
      else if (this.#starting.size < this.#maxStarting) this.#start(waiter.memoryMb);
    }
  }

  #takeIdle(waiter: Waiter): Isolate | undefined {
    if (!waiter.fresh) {
      const at = this.#idle.findLastIndex((e) => e.full === waiter.full && e.isolate.alive);
      if (at !== -1) return this.#idle.splice(at, 1)[0]?.isolate;
    }
    const blank = this.#blank.findIndex((i) => i.memoryMb === waiter.memoryMb && i.alive);
    return blank === -1 ? undefined : this.#blank.splice(blank, 1)[0];
  }

  #start(memoryMb: number | undefined): void {
    const isolate = new Isolate({ entry: ENTRY, workerData: this.#options.thread, ...(memoryMb !== undefined ? { memoryMb } : {}) });
    this.#starting.add(isolate);
    void isolate.ready.then((ok) => {
      if (!this.#starting.delete(isolate)) return; // closed meanwhile
      const at = this.#waiters.findIndex((w) => w.memoryMb === memoryMb);
      if (at !== -1) {
        // A thread that died while loading still goes to an attempt, whose run reports why
        // (starting another would fail the same way, forever).
        const [waiter] = this.#waiters.splice(at, 1);
        waiter?.take(isolate);
      } else if (ok) {
        this.#blank.push(isolate);
      }
      this.#pump();
    });
  }
}
