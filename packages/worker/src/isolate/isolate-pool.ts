/**
 * The worker's isolates (flytekit's `Isolate`, one worker thread each). Warm isolates are kept
 * per code bundle and memory cap and reused by later attempts of that bundle's tasks — never by
 * another bundle (another version) or by code from the worker's directory. Fresh isolates serve
 * one attempt and are terminated. Dead isolates (crashed, exited, out of memory, stopped) are
 * dropped; the next attempt simply starts a new one (a spare started ahead: isolate-factory.ts).
 */
import { IsolateFactory, type Isolate } from "flytekit/internal";
import type { AttemptThreadData } from "./attempt-thread.ts";

const ENTRY = new URL(`./attempt-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** Options of {@link IsolatePool}. */
export interface IsolatePoolOptions {
  readonly thread: AttemptThreadData;
  /** Idle isolates kept at most (the least recently used go first). */
  readonly maxIdle: number;
}

/** Isolates by key (see the module comment). */
export class IsolatePool {
  readonly #options: IsolatePoolOptions;
  /** Idle isolates, least recently used first. */
  #idle: Array<{ key: string; isolate: Isolate }> = [];
  readonly #busy = new Set<Isolate>();
  readonly #factory: IsolateFactory;

  constructor(options: IsolatePoolOptions) {
    this.#options = options;
    this.#factory = new IsolateFactory({ entry: ENTRY, workerData: options.thread });
  }

  /** Starts a spare isolate ahead of the first attempt. */
  prepare(): void {
    this.#factory.prepare();
  }

  /** An isolate for code `key` with a heap cap of `memoryMb`; warm ones are reused. */
  acquire(key: string, memoryMb: number | undefined, fresh: boolean): Isolate {
    const full = `${key}\0${memoryMb ?? ""}`;
    if (!fresh) {
      const at = this.#idle.findLastIndex((e) => e.key === full && e.isolate.alive);
      if (at !== -1) {
        const [entry] = this.#idle.splice(at, 1);
        if (entry !== undefined) return this.#hold(entry.isolate);
      }
    }
    return this.#hold(this.#factory.take(memoryMb));
  }

  /** Gives back an isolate after its attempt: kept warm, or terminated. */
  release(key: string, isolate: Isolate, fresh: boolean): void {
    this.#busy.delete(isolate);
    if (!isolate.alive || fresh) {
      // The next attempt of this kind needs a new isolate: have one ready.
      this.#factory.prepare();
      if (isolate.alive) void isolate.terminate();
      return;
    }
    this.#idle.push({ key: `${key}\0${isolate.memoryMb ?? ""}`, isolate });
    this.#idle = this.#idle.filter((e) => e.isolate.alive);
    while (this.#idle.length > this.#options.maxIdle) void this.#idle.shift()?.isolate.terminate();
  }

  /** Terminates every isolate, busy or idle. */
  async close(): Promise<void> {
    const all = [...this.#idle.map((e) => e.isolate), ...this.#busy];
    this.#idle = [];
    this.#busy.clear();
    await Promise.all([...all.map((i) => i.terminate()), this.#factory.close()]);
  }

  #hold(isolate: Isolate): Isolate {
    this.#busy.add(isolate);
    return isolate;
  }
}
