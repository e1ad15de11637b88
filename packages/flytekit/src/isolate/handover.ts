/**
 * A run handed to an idle isolate through shared memory instead of its message port. A run's
 * `postMessage` wakes the thread through its event loop (an eventfd, epoll, the port's queue lock,
 * which Node still holds when it signals, so a quarter of the wakes sleep again at once) and costs
 * about twice the CPU of a thread blocked in `Atomics.wait` that the main thread wakes with
 * `Atomics.notify` (a futex): round trip 34 → 13.5 µs p50, CPU 20 + 19 → 12 + 11 µs
 * (docs/benchmarks.md, ninth round). `Atomics.waitAsync` costs what the port costs: its wake
 * goes through the same event loop.
 *
 * A blocked thread runs nothing else, so an isolate parks only when its event loop has nothing
 * to do — no timer, socket, file request, immediate or port an earlier attempt left behind
 * (`process.getActiveResourcesInfo()` lists its parent port alone) — and so nothing it would run is held up; else it
 * waits in its event loop as before and gets its runs by port. A `terminate()` ends a parked
 * thread as any other (V8 interrupts `Atomics.wait`).
 *
 * The state word, and who moves it:
 * - LOOP: the thread is in its event loop (or running): runs go by port. Thread: LOOP → PARKED
 *   by compare-and-swap, only when idle.
 * - PARKED: the thread blocks on the word. Only the main thread moves it on: → HANDED with the
 *   run's bytes in the buffer, or → POSTED when the run does not fit (it then goes by port).
 * - POSTED: a run is on its way by port; the thread must not park until it has it. The main
 *   thread sets it (LOOP → POSTED by compare-and-swap, so a thread parking at that moment either
 *   parks first, and the run is handed, or sees POSTED and stays); the thread sets LOOP once it
 *   has taken the run.
 * - HANDED: the run's bytes (`v8.serialize`d) are in the buffer; the thread copies them out,
 *   sets LOOP and runs it.
 */
import { deserialize, serialize } from "node:v8";

const LOOP = 0;
const PARKED = 1;
const HANDED = 2;
const POSTED = 3;
/** Int32 words before the data: the state, the data's length. */
const HEADER_WORDS = 2;
/** Room for a run's serialized payload; bigger ones go by port. A map batch of 64 small items is well under. */
export const HANDOVER_BYTES = 64 * 1024;

/** Whether a thread's active resources are its parent port alone (the one a serving thread listens on). */
function idle(resources: readonly string[]): boolean {
  return resources.length === 0 || (resources.length === 1 && resources[0] === "MessagePort");
}

/** A new shared buffer for one isolate (passed to its thread in `workerData`). */
export function handOverBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_WORDS * 4 + HANDOVER_BYTES);
}

/** The main thread's end. */
export class HandOverSender {
  readonly #words: Int32Array;
  readonly #data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, HEADER_WORDS);
    this.#data = new Uint8Array(buffer, HEADER_WORDS * 4);
  }

  /**
   * Hands `payload` to a parked thread and returns true; returns false when it must go by port
   * (the thread is in its event loop, or the payload does not fit or cannot be serialized), in
   * which case the thread will not park until the port's run reaches it. Call once per run.
   */
  hand(payload: unknown): boolean {
    const was = Atomics.compareExchange(this.#words, 0, LOOP, POSTED);
    if (was === LOOP) return false;
    // PARKED: only this side moves the word from here.
    let bytes: Uint8Array | undefined;
    try {
      bytes = serialize(payload);
    } catch {
      bytes = undefined;
    }
    if (bytes === undefined || bytes.length > this.#data.length) {
      Atomics.store(this.#words, 0, POSTED);
      Atomics.notify(this.#words, 0);
      return false;
    }
    this.#data.set(bytes);
    Atomics.store(this.#words, 1, bytes.length);
    Atomics.store(this.#words, 0, HANDED);
    Atomics.notify(this.#words, 0);
    return true;
  }
}

/** The thread's end. */
export class HandOverReceiver {
  readonly #words: Int32Array;
  readonly #data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, HEADER_WORDS);
    this.#data = new Uint8Array(buffer, HEADER_WORDS * 4);
  }

  /** The run that came by port has been taken: the thread may park again after it. */
  tookPosted(): void {
    Atomics.compareExchange(this.#words, 0, POSTED, LOOP);
  }

  /**
   * Parks the thread when its event loop has nothing to do (see the module comment) until the
   * main thread hands it a run: returns `{ payload }`, or undefined when it did not park or was
   * woken to take a run by port. Blocks the thread.
   */
  park(): { payload: unknown } | undefined {
    if (!idle(process.getActiveResourcesInfo())) return undefined;
    if (Atomics.compareExchange(this.#words, 0, LOOP, PARKED) !== LOOP) return undefined;
    let state = PARKED;
    while (state === PARKED) {
      Atomics.wait(this.#words, 0, PARKED);
      state = Atomics.load(this.#words, 0);
    }
    if (state !== HANDED) return undefined;
    // Copied out before the word goes back to LOOP: the buffer is the next run's after that
    // (and `deserialize` returns views on what it is given: they must not alias the buffer).
    const bytes = this.#data.slice(0, Atomics.load(this.#words, 1));
    Atomics.store(this.#words, 0, LOOP);
    return { payload: deserialize(bytes) };
  }
}
