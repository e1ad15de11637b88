/**
 * What a thread knows about being an isolate. Kept on a global symbol so that every copy of
 * flytekit loaded in the thread (a worker's and a code bundle's) sees the same state.
 */

/** The state of this thread. */
export interface ThreadState {
  /** This thread runs attempts for an isolate host: attempts in it never start isolates of their own. */
  inIsolate: boolean;
  /** Task definitions constructed here, by defining module URL (local isolates look them up). */
  recording: Map<string, object[]> | undefined;
  /**
   * Set while a local isolate imports a task's module: a workflow or task called from that
   * module's top level (a script's demo call) is held instead of run (see local-thread.ts).
   */
  hold: (() => void) | undefined;
}

const KEY = Symbol.for("flytekit.isolate.thread-state");

/** This thread's state. */
export function threadState(): ThreadState {
  const holder = globalThis as { [KEY]?: ThreadState };
  return (holder[KEY] ??= { inIsolate: false, recording: undefined, hold: undefined });
}

/**
 * A promise that never settles when a module's top-level call must be held (see
 * {@link ThreadState.hold}); `undefined` otherwise.
 */
export function heldCall(): Promise<never> | undefined {
  const hold = threadState().hold;
  if (hold === undefined) return undefined;
  hold();
  return new Promise<never>(() => {});
}
