/**
 * The worker's isolates (flytekit's `Isolate`, one worker thread each, one attempt at a time).
 * Warm isolates are kept per code bundle and memory cap and reused by later attempts of that
 * bundle's tasks — never by another bundle (another version) or by code from the worker's
 * directory. Fresh isolates serve one attempt and are terminated. Dead isolates (crashed, exited,
 * out of memory, stopped) are dropped.
 *
 * An attempt waiting for an isolate takes whichever comes first: a warm isolate of its bundle that
 * another attempt released, or a new one that finished loading. Starting an isolate costs a thread
 * and loading flytekit and the bundle (80–1,000 ms of CPU); a trivial attempt in a warm one costs
 * about a millisecond. So a new isolate is started only when waiting for the warm ones would take
 * longer than starting one: the expected wait is the attempt's place in the line times the time
 * an attempt runs (the average so far, or the time the oldest running one has run, whichever is
 * longer) divided by the isolates serving its bundle. At most `maxStarting` load at a time (on
 * two cores, more at once is no faster). A burst of 64 trivial attempts then runs in one or two
 * warm isolates instead of starting 64 threads, while attempts that run long still get their own
 * isolates within about one start time.
 *
 * More threads beyond the machine's cores only shorten the line by the time attempts spend
 * awaiting (I/O, timers): attempts that compute share the cores whatever the thread count, and a
 * start takes a core's worth of CPU from them. So once as many isolates as cores serve a bundle,
 * the expected wait counts only the time an attempt awaits (measured in its thread, or for a
 * running one the idle time of its thread so far). Without this, a steady stream of trivial
 * attempts on a loaded machine — each slowed by the others and by the worker's own thread —
 * always looked long enough to start another isolate: 18–22 per worker in one 20-second
 * throughput run, each costing a second of CPU. See docs/benchmarks.md.
 */
import { availableParallelism } from "node:os";
import type { EventLoopUtilization } from "node:perf_hooks";
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
  /** Cores the attempts share: computing attempts gain nothing from more isolates. @default os.availableParallelism() */
  readonly cores?: number;
  /**
   * How long the pool must have run nothing before it loads a spare after a release, in ms.
   * @default 1000
   */
  readonly spareAfterMs?: number;
}

/** See {@link IsolatePoolOptions.spareAfterMs}. */
const SPARE_AFTER_MS = 1_000;

/** An isolate's start time before one has been measured, in ms. */
const START_GUESS_MS = 200;

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
  /** Running isolates: their bundle key, when their attempt started, and their thread's event-loop reading then. */
  readonly #busy = new Map<Isolate, { full: string; since: number; elu: EventLoopUtilization }>();
  #waiters: Waiter[] = [];
  #closed = false;
  readonly #cores: number;
  /** Moving averages, in ms: an attempt's run, an isolate's start (0 until measured). */
  #runMs = 0;
  #startMs = 0;
  /** Moving average of the time an attempt awaited inside its thread, in ms. */
  #waitedMs = 0;
  #recheck: NodeJS.Timeout | undefined;
  /** Loads a spare once the pool has been quiet (see #spareWhenQuiet). */
  #spareTimer: NodeJS.Timeout | undefined;
  #lastRelease = 0;

  constructor(options: IsolatePoolOptions) {
    this.#options = options;
    this.#maxStarting = Math.max(1, options.maxStarting ?? 2);
    this.#cores = Math.max(1, options.cores ?? availableParallelism());
  }

  /** Isolates alive: busy, idle, spare and loading. */
  get size(): number {
    return this.#busy.size + this.#idle.length + this.#blank.length + this.#starting.size;
  }

  /** Loaded isolates that have run nothing yet (spares). */
  get spares(): number {
    return this.#blank.length;
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
        if (isolate !== undefined) this.#busy.set(isolate, { full, since: performance.now(), elu: isolate.eventLoopUtilization() });
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
    const busy = this.#busy.get(isolate);
    if (busy !== undefined) {
      this.#runMs = average(this.#runMs, performance.now() - busy.since);
      if (isolate.alive) this.#waitedMs = average(this.#waitedMs, isolate.lastWaitedMs);
    }
    this.#busy.delete(isolate);
    if (!isolate.alive || fresh) {
      if (isolate.alive) void isolate.terminate();
      // The next attempt of this kind needs a new isolate: have one ready.
      this.prepare();
    } else {
      this.#idle.push({ full: `${key}\0${isolate.memoryMb ?? ""}`, isolate });
    }
    this.#pump();
    this.#spareWhenQuiet();
    this.#idle = this.#idle.filter((e) => e.isolate.alive);
    while (this.#idle.length + this.#blank.length > this.#options.maxIdle) {
      const oldest = this.#idle.shift()?.isolate ?? this.#blank.shift();
      void oldest?.terminate();
    }
  }

  /**
   * Keeps a spare loaded for when the pool is quiet: a new version of the code (an edit,
   * registered again) then starts in an isolate that has the SDK loaded and imports only the
   * project's modules, instead of waiting for a thread to start and load the SDK. Not while
   * attempts keep coming: loading one costs about a second of CPU, which a release right after a
   * first attempt (a map's warm-up, a workflow's first task) spent while the next burst ran,
   * slowing it (both workers loading a spare at the start of a 1,000-item map: about 0.8 s of
   * the workers' CPU and a 1,000-item map 3x slower; docs/benchmarks.md, sixth round).
   */
  #spareWhenQuiet(): void {
    this.#lastRelease = performance.now();
    if (this.#spareTimer !== undefined || this.#closed) return;
    const quietMs = this.#options.spareAfterMs ?? SPARE_AFTER_MS;
    const check = (): void => {
      this.#spareTimer = undefined;
      // Running again: its next release arms the timer again.
      if (this.#closed || this.#busy.size > 0 || this.#waiters.length > 0) return;
      const left = quietMs - (performance.now() - this.#lastRelease);
      if (left > 0) {
        this.#spareTimer = setTimeout(check, left);
        this.#spareTimer.unref();
        return;
      }
      this.prepare();
    };
    this.#spareTimer = setTimeout(check, quietMs);
    this.#spareTimer.unref();
  }

  /** Terminates every isolate, busy, idle or loading; waiting acquires resolve `undefined`. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#recheck);
    clearTimeout(this.#spareTimer);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.take(undefined);
    const all = [...this.#idle.map((e) => e.isolate), ...this.#blank, ...this.#starting, ...this.#busy.keys()];
    this.#idle = [];
    this.#blank = [];
    this.#starting.clear();
    this.#busy.clear();
    await Promise.all(all.map((i) => i.terminate()));
  }

  /**
   * Hands warm isolates to waiters in order; a waiter that would wait longer than a start (or
   * whose bundle has none running) takes a loaded spare; then starts isolates for those left.
   * A spare goes only where a start would: otherwise every burst that found the warm isolates
   * busy took the spare, and the release after it loaded another, one more thread each time.
   */
  #pump(): void {
    const left: Waiter[] = [];
    const place = new Map<string, number>();
    // Each bundle's running isolates are read once per pump, not once per waiter: the pump runs
    // on every acquire and release, and a burst of 64 waiters over 64 running attempts made that
    // 4,096 steps per call (a quarter second of a worker's CPU per 1,000-item map).
    const loads = new Map<string, BundleLoad>();
    for (const waiter of this.#waiters) {
      let isolate = this.#takeWarm(waiter);
      const position = (place.get(waiter.full) ?? 0) + 1;
      if (isolate === undefined && this.#blank.length > 0 && this.#worthStarting(waiter, position, loads)) isolate = this.#takeBlank(waiter);
      if (isolate !== undefined) {
        waiter.take(isolate);
        // Its bundle now has one more isolate running.
        loads.delete(waiter.full);
        continue;
      }
      place.set(waiter.full, position);
      left.push(waiter);
    }
    this.#waiters = left;
    // One loading isolate per waiting attempt at most (an isolate that loads serves any bundle).
    let covered = [...this.#starting].map((i) => i.memoryMb);
    place.clear();
    for (const waiter of left) {
      const position = (place.get(waiter.full) ?? 0) + 1;
      place.set(waiter.full, position);
      if (!this.#worthStarting(waiter, position, loads)) continue;
      const at = covered.indexOf(waiter.memoryMb);
      if (at !== -1) covered = covered.toSpliced(at, 1);
      else if (this.#starting.size < this.#maxStarting) this.#start(waiter.memoryMb);
    }
    // A long attempt makes waiting longer as it runs: look again after about one start time.
    if (left.length > 0 && this.#recheck === undefined && !this.#closed) {
      this.#recheck = setTimeout(() => {
        this.#recheck = undefined;
        this.#pump();
      }, Math.max(10, this.#startMs || START_GUESS_MS));
      this.#recheck.unref();
    }
  }

  /** Whether the `position`-th waiter of its bundle would wait longer than a start takes; `loads` caches {@link #loadOf} within one pump. */
  #worthStarting(waiter: Waiter, position: number, loads: Map<string, BundleLoad>): boolean {
    if (waiter.fresh) return true;
    let load = loads.get(waiter.full);
    if (load === undefined) {
      load = this.#loadOf(waiter.full);
      loads.set(waiter.full, load);
    }
    if (load.serving === 0) return true;
    const start = this.#startMs || START_GUESS_MS;
    if (load.serving < this.#cores) return (position * Math.max(this.#runMs, load.oldest)) / load.serving > start;
    return (position * load.waited) / load.serving > start;
  }

  /** How many isolates run bundle key `full`, the longest they have run, and how long an attempt of it awaits. */
  #loadOf(full: string): BundleLoad {
    let serving = 0;
    let oldest = 0;
    const now = performance.now();
    for (const busy of this.#busy.values()) {
      if (busy.full !== full) continue;
      serving++;
      oldest = Math.max(oldest, now - busy.since);
    }
    // As many threads as cores: another one can only shorten the time attempts await. For an
    // attempt running longer than a start, its thread's idle time so far says how long it awaited.
    let waited = this.#waitedMs;
    const start = this.#startMs || START_GUESS_MS;
    if (serving >= this.#cores && oldest > start) {
      for (const [isolate, busy] of this.#busy) {
        if (busy.full === full && now - busy.since > start) waited = Math.max(waited, isolate.eventLoopUtilization(busy.elu).idle);
      }
    }
    return { serving, oldest, waited };
  }

  #takeWarm(waiter: Waiter): Isolate | undefined {
    if (waiter.fresh) return undefined;
    const at = this.#idle.findLastIndex((e) => e.full === waiter.full && e.isolate.alive);
    return at === -1 ? undefined : this.#idle.splice(at, 1)[0]?.isolate;
  }

  #takeBlank(waiter: Waiter): Isolate | undefined {
    const at = this.#blank.findIndex((i) => i.memoryMb === waiter.memoryMb && i.alive);
    return at === -1 ? undefined : this.#blank.splice(at, 1)[0];
  }

  #start(memoryMb: number | undefined): void {
    const isolate = new Isolate({ entry: ENTRY, workerData: this.#options.thread, ...(memoryMb !== undefined ? { memoryMb } : {}) });
    this.#starting.add(isolate);
    const startedAt = performance.now();
    void isolate.ready.then((ok) => {
      if (!this.#starting.delete(isolate)) return; // closed meanwhile
      if (ok) this.#startMs = average(this.#startMs, performance.now() - startedAt);
      const at = ok ? -1 : this.#waiters.findIndex((w) => w.memoryMb === memoryMb);
      if (at !== -1) {
        // A thread that died while loading still goes to an attempt, whose run reports why
        // (starting another would fail the same way, forever).
        const [waiter] = this.#waiters.splice(at, 1);
        waiter?.take(isolate);
      } else if (ok) {
        // A spare now: the pump gives it to a waiter that still needs a thread of its own.
        this.#blank.push(isolate);
      }
      this.#pump();
    });
  }
}

/** A bundle's running isolates as one pump sees them (see {@link IsolatePool}). */
interface BundleLoad {
  readonly serving: number;
  /** Longest time one of them has run its attempt, in ms. */
  readonly oldest: number;
  /** Expected time an attempt of the bundle awaits, in ms. */
  readonly waited: number;
}

/** An exponential moving average (weight 0.2 for the new sample). */
function average(previous: number, sample: number): number {
  return previous === 0 ? sample : 0.8 * previous + 0.2 * sample;
}
