/**
 * Makes isolates, keeping one spare started ahead: most of a new isolate's cost is loading
 * flytekit and its dependencies in the thread, which the spare has done by the time it is taken.
 * A spare has loaded no task code, so an attempt given it still starts with fresh module state.
 * Spares have no heap cap (`resourceLimits` are fixed when a thread starts): capped isolates are
 * always started on demand.
 */
import { Isolate, type IsolateOptions } from "./isolate.ts";

/** Isolates of one entry module (see the module comment). */
export class IsolateFactory {
  readonly #options: IsolateOptions;
  #spare: Isolate | undefined;
  #closed = false;

  constructor(options: Omit<IsolateOptions, "memoryMb">) {
    this.#options = options;
  }

  /**
   * A new isolate (the spare when it fits). The next spare is not started here: callers call
   * {@link prepare} when another new isolate is likely soon (after a fresh attempt, or one that
   * killed its isolate), so that a warm host does not pay for isolates it never uses.
   */
  take(memoryMb?: number): Isolate {
    if (memoryMb !== undefined) return new Isolate({ ...this.#options, memoryMb });
    const spare = this.#spare;
    this.#spare = undefined;
    return spare?.alive === true ? spare : new Isolate(this.#options);
  }

  /** Starts a spare if there is none. */
  prepare(): void {
    if (this.#closed || this.#spare?.alive === true) return;
    this.#spare = new Isolate(this.#options);
  }

  /** Terminates the spare; takes make no more spares. */
  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = undefined;
    await spare?.terminate();
  }
}
