/** A wait that an abort cuts short. */

/**
 * Resolves after `ms`, or at once when `signal` aborts. Either way it leaves nothing registered
 * on `signal`: a page's live loop sleeps on one signal before every reconnect and poll, so a
 * listener left behind per sleep would pile up for as long as the page stays open.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
