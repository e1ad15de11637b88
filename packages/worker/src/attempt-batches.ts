/**
 * Runs attempts in isolates, several of one task per isolate call when the task is known to be
 * quick. A map task's items arrive many at a time (one session message carries many
 * assignments); handing each to its isolate cost a `postMessage` each way, a thread wake-up, an
 * isolate acquire and release and the `TaskTemplate` encoded and decoded once per item — most of
 * a worker's CPU per item in a 1,000-item map (docs/benchmarks.md, fifth round). A batch goes in
 * ONE run: the template once, each item's `Assignment` without it, and one reply with every
 * item's outcome.
 *
 * Per-item semantics are kept: each item has its own attempt, signal (its timeout and its
 * cancellation abort it alone: `Isolate.abortItem`), log (the thread tags what it prints with the
 * item) and outcome; an item that fails (an error outcome) fails alone. When the isolate itself
 * ends mid-batch (a crash, `process.exit`, out of memory, an aborted item that did not stop in its
 * grace period), which item caused it is unknown: every item of the batch not aborted is run
 * again, alone, in another isolate (tasks run at least once), so each gets its own outcome.
 *
 * Only tasks whose items ran quickly here, or that await little, batch (measured in the thread,
 * per item): items of a batch run one after another, so an awaiting task would lose the
 * concurrency of separate isolates. A task that computes gains nothing from more isolates than
 * cores, which is what a line's runners take at most; its batches are shorter (a batch is about
 * {@link BATCH_BUDGET_MS} of work). Without this, one item slowed on a busy machine (a trivial
 * task's second run, measured at 23 ms at load 9) sent a whole map's line to run alone, and the
 * isolate pool started a thread for it (a second of CPU). Tasks with a fresh isolate, a heap cap
 * (it would cover the whole batch), an eager body (its calls go through the main thread per
 * attempt) or a short timeout (it counts from the batch's start) always run alone.
 */
import { availableParallelism } from "node:os";
import { toBinary } from "@bufbuild/protobuf";
import { AssignmentSchema, type Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { Isolate, IsolateEnd } from "flytekit/internal";
import type { AttemptIsolation } from "./attempt-isolation.ts";
import type { AttemptThreadPayload, AttemptThreadResult } from "./isolate/attempt-thread.ts";
import type { IsolatePool } from "./isolate/isolate-pool.ts";
import { encodedTaskOf, taskKeyOf } from "./task-encoding.ts";

/** An item runs in a batch only if its task's items took less than this, each, or awaited less than this, in ms. */
export const QUICK_ITEM_MS = 20;
/** A batch is sized to take about this long at the task's measured time per item, in ms. */
const BATCH_BUDGET_MS = 100;
/** Most items in one batch. */
export const MAX_BATCH = 64;
/**
 * How long the attempts of a task not measured yet wait for its first one, in ms: about an
 * isolate's start on a loaded machine, which each of them would otherwise cost.
 */
const PROBE_WAIT_MS = 1_000;
/** A task with a timeout shorter than this never batches (its timer starts with the batch), in ms. */
const MIN_BATCHED_TIMEOUT_MS = 10_000;

/** One attempt to run (see {@link AttemptBatches.run}). */
export interface BatchItem {
  /** Has its task template. */
  readonly assignment: Assignment;
  /** `assignment` as the server sent it, without its template (session-response.ts): what the item carries, copied. */
  readonly sent?: Uint8Array;
  readonly isolation: AttemptIsolation;
  /** Aborts the attempt (a timeout, a cancel); while it waits for an isolate, it stops waiting. */
  readonly signal: AbortSignal;
  /** How long an aborted attempt may run on before its isolate is stopped, in ms. */
  readonly graceMs: number;
  /** What the attempt prints. */
  readonly onLog: (text: string) => void;
  /** The attempt's requests to the host (eager calls); only an attempt run alone makes them. */
  readonly onRequest: (value: unknown) => Promise<unknown>;
  /** Called when the attempt's isolate run starts (its timeout counts from here). */
  readonly onStart: () => void;
}

interface Waiting {
  readonly item: BatchItem;
  readonly resolve: (end: IsolateEnd | undefined) => void;
}

interface Group {
  readonly key: string;
  /** The isolates' key (AttemptIsolation.key). */
  readonly isolationKey: string;
  readonly taskKey: string;
  readonly pending: Waiting[];
  runners: number;
}

/** Attempts of a worker, run alone or in batches (see the module comment). */
export class AttemptBatches {
  readonly #pool: IsolatePool;
  readonly #cores: number;
  readonly #groups = new Map<string, Group>();
  /** The time an item of a task ran in its thread and how much of it it awaited (medians of its last run), in ms, by task key. */
  readonly #itemMs = new Map<string, ItemTime>();
  /** Attempts of a task being measured, waiting for its first attempt (see #probe), by task key. */
  readonly #held = new Map<string, Waiting[]>();
  /** Runs of more than one item so far (for tests and profiles). */
  batches = 0;

  constructor(pool: IsolatePool, cores: number = availableParallelism()) {
    this.#pool = pool;
    this.#cores = Math.max(1, cores);
  }

  /**
   * Runs `item` and resolves with how its isolate run ended, for this item alone (`done` with its
   * `ItemOutcome`: attempt-thread.ts); undefined when it was aborted before an isolate took it, or the
   * pool closed. Never rejects.
   */
  run(item: BatchItem): Promise<IsolateEnd | undefined> {
    const { promise, resolve } = Promise.withResolvers<IsolateEnd | undefined>();
    this.#route({ item, resolve });
    return promise;
  }

  #route(waiting: Waiting): void {
    const { item } = waiting;
    const taskKey = taskKeyOf(item.assignment);
    if (!this.#eligible(item)) {
      void this.#alone(waiting);
      return;
    }
    const time = this.#itemMs.get(taskKey);
    if (time === undefined) {
      this.#probe(taskKey, waiting);
      return;
    }
    if (!batchesWell(time)) {
      void this.#alone(waiting);
      return;
    }
    // Same task key and the same template bytes: the batch carries the first item's template.
    const key = `${item.isolation.key}\0${taskKey}\0${encodedTaskOf(item.assignment).digest}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { key, isolationKey: item.isolation.key, taskKey, pending: [], runners: 0 };
      this.#groups.set(key, group);
    }
    group.pending.push(waiting);
    // Each runner holds one isolate and drains the group's line in batches. Another one (up to
    // one per core) only when the line is longer than the runners' next batches: a second
    // isolate for a line one can clear took the pool's spare, and the pool loaded another (a
    // second of CPU each) for nothing.
    const more = group.runners < this.#cores && group.pending.length > this.#batchSize(taskKey) * group.runners;
    if (group.runners === 0 || more) void this.#drain(group);
  }

  /**
   * A task not measured yet: its first attempt runs alone and measures it; the others that arrive
   * meanwhile wait for that (at most {@link PROBE_WAIT_MS}) instead of each starting alone, which
   * made the pool start isolates for a burst of a map's first items (a second of CPU each).
   */
  #probe(taskKey: string, waiting: Waiting): void {
    const held = this.#held.get(taskKey);
    if (held !== undefined) {
      held.push(waiting);
      return;
    }
    const waiters: Waiting[] = [];
    this.#held.set(taskKey, waiters);
    const release = (): void => {
      if (this.#held.get(taskKey) !== waiters) return;
      this.#held.delete(taskKey);
      clearTimeout(timer);
      for (const w of waiters) this.#route(w);
    };
    // Much slower than a batch's item (or still importing its code): the waiting ones run alone.
    const timer = setTimeout(release, PROBE_WAIT_MS);
    timer.unref();
    void this.#alone(waiting).then(release);
  }

  #eligible(item: BatchItem): boolean {
    const { isolation, assignment } = item;
    if (isolation.fresh || isolation.memoryMb !== undefined || assignment.task?.metadata?.isEager === true) return false;
    return isolation.timeoutMs === 0 || isolation.timeoutMs >= MIN_BATCHED_TIMEOUT_MS;
  }

  /** Items per batch for a task: about {@link BATCH_BUDGET_MS} of work. */
  #batchSize(taskKey: string): number {
    const ms = this.#itemMs.get(taskKey)?.ms ?? QUICK_ITEM_MS;
    return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_BUDGET_MS / Math.max(ms, 0.01))));
  }

  /** One runner of a group: takes an isolate, runs the line's first items in one run, repeats. */
  async #drain(group: Group): Promise<void> {
    group.runners++;
    try {
      while (group.pending.length > 0) {
        const isolate = await this.#pool.acquire(group.isolationKey, undefined, false);
        if (isolate === undefined) {
          for (const waiting of group.pending.splice(0)) waiting.resolve(undefined);
          return;
        }
        const batch: Waiting[] = [];
        while (batch.length < this.#batchSize(group.taskKey) && group.pending.length > 0) {
          const waiting = group.pending.shift() as Waiting;
          // Aborted while it waited: it never runs.
          if (waiting.item.signal.aborted) waiting.resolve(undefined);
          else batch.push(waiting);
        }
        if (batch.length === 0) {
          this.#pool.release(group.isolationKey, isolate, false);
          continue;
        }
        await this.#runBatch(isolate, batch);
      }
    } finally {
      group.runners--;
      if (group.runners === 0 && group.pending.length === 0) this.#groups.delete(group.key);
    }
  }

  /** An attempt in an isolate of its own. */
  async #alone(waiting: Waiting): Promise<void> {
    const { isolation, signal } = waiting.item;
    const isolate = await this.#pool.acquire(isolation.key, isolation.memoryMb, isolation.fresh, signal);
    if (isolate === undefined) {
      waiting.resolve(undefined);
      return;
    }
    await this.#runBatch(isolate, [waiting]);
  }

  /** Runs `batch` (one task's items, or one attempt) in `isolate`, resolves each item, releases the isolate. */
  async #runBatch(isolate: Isolate, batch: readonly Waiting[]): Promise<void> {
    const first = batch[0] as Waiting;
    const { isolation } = first.item;
    const alone = batch.length === 1;
    if (!alone) this.batches++;
    for (const { item } of batch) item.onStart();
    const payload: AttemptThreadPayload = {
      task: encodedTaskOf(first.item.assignment).bytes,
      // The template travels once: each item without it.
      items: batch.map(({ item }) => itemBytes(item)),
    };
    // Alone, the attempt's signal aborts the run (and stops the isolate after the grace period);
    // in a batch, it aborts its item alone.
    const ending = isolate.run(payload, {
      ...(alone ? { signal: first.item.signal } : {}),
      graceMs: first.item.graceMs,
      onLog: (text, _stream, index) => batch[index ?? 0]?.item.onLog(text),
      onRequest: alone ? first.item.onRequest : () => Promise.reject(new Error("an attempt in a batch makes no requests")),
    });
    const unlisten: (() => void)[] = [];
    if (!alone) {
      batch.forEach(({ item }, index) => {
        const abort = (): void => isolate.abortItem(index, item.signal.reason, item.graceMs);
        if (item.signal.aborted) abort();
        item.signal.addEventListener("abort", abort, { once: true });
        unlisten.push(() => item.signal.removeEventListener("abort", abort));
      });
    }
    const end = await ending;
    for (const stop of unlisten) stop();
    this.#pool.release(isolation.key, isolate, isolation.fresh);
    if (end.kind === "done") {
      const result = end.value as AttemptThreadResult;
      this.#measured(taskKeyOf(first.item.assignment), result);
      batch.forEach((waiting, index) => waiting.resolve({ kind: "done", value: result.outcomes[index] }));
      return;
    }
    if (alone) {
      first.resolve(end);
      return;
    }
    // Which item ended the isolate is unknown: each one not aborted runs again, alone.
    this.#itemMs.delete(taskKeyOf(first.item.assignment));
    for (const waiting of batch) {
      if (waiting.item.signal.aborted) waiting.resolve(end);
      else void this.#alone(waiting);
    }
  }

  #measured(taskKey: string, result: AttemptThreadResult): void {
    // The medians of the last run, not averages over time. A task's first attempt in a thread
    // (which imported its code) reports -1 and does not count.
    const counted = result.ms.flatMap((ms, i) => (ms >= 0 ? [i] : []));
    if (counted.length === 0) return;
    const median = (values: readonly number[]): number => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    this.#itemMs.set(taskKey, { ms: median(counted.map((i) => result.ms[i] as number)), waitedMs: median(counted.map((i) => result.waitedMs[i] ?? 0)) });
  }
}

/**
 * What an isolate run carries for `item`: its assignment without the template, binary — as the
 * server sent it when known, copied out of the stream's buffer (a posted view clones its whole
 * buffer); else encoded here.
 */
export function itemBytes(item: Pick<BatchItem, "assignment" | "sent">): Uint8Array {
  return item.sent !== undefined ? new Uint8Array(item.sent) : toBinary(AssignmentSchema, { ...item.assignment, task: undefined });
}

/** How long a task's items ran in their thread, and how much of it they awaited, in ms. */
export interface ItemTime {
  readonly ms: number;
  readonly waitedMs: number;
}

/**
 * Whether a task's attempts may share isolate runs (see {@link AttemptBatches}): its items are
 * quick, or they await little (they compute, or were slowed by a busy machine).
 */
export function batchesWell(time: ItemTime): boolean {
  return time.ms < QUICK_ITEM_MS || time.waitedMs < QUICK_ITEM_MS;
}
