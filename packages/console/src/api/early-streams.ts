/**
 * Live streams opened before React renders. A page's stream normally opens in an effect, after
 * the bundle has been evaluated and the first render committed — hundreds of milliseconds on a
 * busy machine — and then waits for the server. The entry opens the stream the URL will need at
 * once (main.tsx), so that the server works while the page renders; the page's first connection
 * takes it over (use-live.ts). A stream nobody takes is closed after a while.
 */

/** How long an early stream waits to be taken before it is closed. */
const UNCLAIMED_MS = 15_000;

interface Early {
  readonly iterator: AsyncIterator<unknown>;
  /** The first message, already asked for (that sends the request). */
  readonly first: Promise<IteratorResult<unknown>>;
  readonly abort: AbortController;
  readonly timer: ReturnType<typeof setTimeout>;
}

const early = new Map<string, Early>();

/**
 * Opens the stream `open` for the page that will watch `key`, ahead of its render; `onFirst`
 * sees the first message (to start what it makes necessary, such as fetching the workflow).
 */
export function openEarly<T>(key: string, open: (signal: AbortSignal) => AsyncIterable<T>, onFirst?: (message: T) => void): void {
  if (early.has(key)) return;
  const abort = new AbortController();
  const iterator = open(abort.signal)[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const first = iterator.next();
  // A failure surfaces when the page takes the stream; unclaimed, it is nobody's concern.
  first.then((r) => {
    if (r.done !== true) onFirst?.(r.value as T);
  }, () => undefined);
  const timer = setTimeout(() => {
    early.delete(key);
    abort.abort();
  }, UNCLAIMED_MS);
  early.set(key, { iterator, first, abort, timer });
}

/** The early stream opened for `key`, if any (once): messages as they come, closed with `signal`. */
export function takeEarly<T>(key: string, signal: AbortSignal): AsyncIterable<T> | undefined {
  const found = early.get(key);
  if (found === undefined) return undefined;
  early.delete(key);
  clearTimeout(found.timer);
  signal.addEventListener("abort", () => found.abort.abort(), { once: true });
  return (async function* () {
    let next = await found.first;
    while (next.done !== true) {
      yield next.value as T;
      next = await found.iterator.next();
    }
  })();
}
