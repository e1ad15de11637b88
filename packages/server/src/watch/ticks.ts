/** Waiting between the watch service's looks at the store. */

/** How often a watch looks for changes, in ms: often enough to feel live, rare enough to be cheap. */
export const WATCH_TICK_MS = 400;

/**
 * Resolves after `ms`, or at once when any of `signals` aborts (a client gone, the server closing);
 * returns whether the wait ran to its end.
 */
export function tick(ms: number, ...signals: readonly AbortSignal[]): Promise<boolean> {
  if (signals.some((s) => s.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", onAbort);
      resolve(completed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
  });
}
