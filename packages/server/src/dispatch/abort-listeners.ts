/**
 * One `abort` listener per signal, shared by every attempt waiting on it. The items of a map
 * task all wait on their execution's signal, and Node's `EventTarget.addEventListener` walks the
 * signal's listeners to refuse a duplicate: a listener per item made starting a 1,000-item map
 * quadratic (about 10 ms of the server's CPU per map; docs/benchmarks.md, "Eighth round: where
 * the fan-out's 0.3 s goes"). Here adding and removing a callback is a `Set` operation.
 */

interface Shared {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

/** Abort callbacks per signal; a signal carries one listener of ours while any callback waits. */
export class AbortListeners {
  readonly #bySignal = new WeakMap<AbortSignal, Shared>();

  /**
   * Calls `callback` once when `signal` aborts (not at all for a signal aborted already, as
   * `addEventListener` would not). Returns the function that takes it off again.
   */
  add(signal: AbortSignal, callback: () => void): () => void {
    let shared = this.#bySignal.get(signal);
    if (shared === undefined) {
      const callbacks = new Set<() => void>();
      const listener = (): void => {
        // Forgotten first: the callbacks settle their attempts, whose cleanup takes them off.
        this.#bySignal.delete(signal);
        for (const call of [...callbacks]) call();
      };
      shared = { callbacks, listener };
      this.#bySignal.set(signal, shared);
      signal.addEventListener("abort", listener, { once: true });
    }
    const own = shared;
    own.callbacks.add(callback);
    return () => {
      if (!own.callbacks.delete(callback) || own.callbacks.size > 0 || this.#bySignal.get(signal) !== own) return;
      // The last waiter left: drop our listener, so a long-lived signal does not collect them.
      this.#bySignal.delete(signal);
      signal.removeEventListener("abort", own.listener);
    };
  }
}
