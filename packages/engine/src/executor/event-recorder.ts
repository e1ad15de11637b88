/**
 * Delivers events: to the sink at once (progress display), and to the store in batches — one
 * `record` call per burst of synchronous engine work, flushed on a microtask — so a durable store
 * can commit a burst together and the memory store pays one call per burst.
 */
import type { EventSink, ExecutionEvent } from "../runtime/events.ts";
import type { StateStore } from "../store/state-store.ts";

/** Called once, on the first failed store write or throwing sink. */
export type RecorderFailureHandler = (error: unknown) => void;

/** Buffers events of one execution and writes them to the store in order. */
export class EventRecorder {
  readonly #store: StateStore;
  readonly #sink: EventSink | undefined;
  readonly #onFailure: RecorderFailureHandler;
  #buffer: ExecutionEvent[] = [];
  #scheduled = false;
  #failure: { readonly error: unknown } | undefined;
  /** Resolves when every asynchronous write so far has completed. */
  #tail: Promise<void> | undefined;
  readonly #flushTask = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(store: StateStore, sink: EventSink | undefined, onFailure: RecorderFailureHandler) {
    this.#store = store;
    this.#sink = sink;
    this.#onFailure = onFailure;
  }

  /** Records an event; the store sees it at the next flush. */
  emit(event: ExecutionEvent): void {
    if (this.#sink !== undefined) {
      try {
        this.#sink.emit(event);
      } catch (error) {
        // A sink must not throw; treat it like a failed write rather than corrupt a transition.
        this.#fail(error);
      }
    }
    this.#buffer.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flushTask);
    }
  }

  /** Hands the buffered events to the store now. */
  flush(): void {
    if (this.#buffer.length === 0 || this.#failure !== undefined) {
      this.#buffer.length = 0;
      return;
    }
    const batch = this.#buffer;
    this.#buffer = [];
    let written: void | Promise<void>;
    try {
      written = this.#store.record(batch);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (written instanceof Promise) {
      written.catch((error: unknown) => this.#fail(error));
      const previous = this.#tail;
      this.#tail = previous === undefined ? written : previous.then(() => written);
    }
  }

  /** Flushes, then waits for every write; rejects with the first failure. */
  async settled(): Promise<void> {
    this.flush();
    if (this.#tail !== undefined) await this.#tail;
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    // Reported on a microtask: the failure may surface in the middle of a node transition.
    queueMicrotask(() => this.#onFailure(error));
  }
}
