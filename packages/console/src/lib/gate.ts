/** A one-way gate: a promise that opens when told to, or by itself after a bound. */

/** A gate; `opened` resolves once `open` is called or `maxMs` have passed, whichever comes first. */
export interface Gate {
  readonly opened: Promise<void>;
  readonly open: () => void;
}

/**
 * A closed gate that opens by itself after `maxMs`, so that nothing waiting on it can be held for
 * good by a signal that never comes (a page that renders differently than expected).
 */
export function gate(maxMs: number): Gate {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    open = () => {
      clearTimeout(timer);
      // A task later, not a microtask: what opened it (a commit) gets its paint first.
      setTimeout(resolve, 0);
    };
  });
  return { opened, open };
}
