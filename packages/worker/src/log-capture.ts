/**
 * Per-attempt capture of what a task prints. While installed, writes to process.stdout and
 * process.stderr (console.*, currentContext().logger, direct writes) made inside an attempt's
 * async context go to that attempt's log instead of the terminal; writes outside any attempt pass
 * through. Errors a task leaves uncaught (a rejected promise nobody awaits, a throw in a timer)
 * fail the attempt that caused them instead of the worker.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Most of a log kept per attempt; beyond it the start is dropped and marked. */
export const MAX_LOG_CHARS = 1_000_000;

interface Capture {
  text: string;
  dropped: boolean;
  fail(err: unknown): void;
}

const storage = new AsyncLocalStorage<Capture>();
let installs = 0;
let restore: (() => void) | undefined;

/** An attempt running under capture. */
export interface CapturedRun<T> {
  /** Settles with `fn`'s result, or rejects with the first error it left uncaught. */
  readonly result: Promise<T>;
  /** What was printed so far. */
  log(): string;
}

/** Runs `fn` with its output captured (see the module comment); needs {@link installCapture}. */
export function runCaptured<T>(fn: () => Promise<T>): CapturedRun<T> {
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const capture: Capture = { text: "", dropped: false, fail };
  const result = Promise.race([storage.run(capture, fn), failed]);
  return { result, log: () => (capture.dropped ? `[earlier output dropped]\n${capture.text}` : capture.text) };
}

/** Appends a line to the current attempt's log; false outside any attempt. */
export function appendToAttemptLog(text: string): boolean {
  const capture = storage.getStore();
  if (capture === undefined) return false;
  append(capture, text);
  return true;
}

/**
 * Patches process.stdout / process.stderr and adds handlers for uncaught errors; returns the undo.
 * Nested installs are counted; the last undo restores.
 */
export function installCapture(onStrayError: (err: unknown) => void): () => void {
  if (installs++ === 0) {
    const undoOut = patch(process.stdout);
    const undoErr = patch(process.stderr);
    const onError = (err: unknown): void => {
      const capture = storage.getStore();
      if (capture !== undefined) capture.fail(err);
      else onStrayError(err);
    };
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
    restore = () => {
      undoOut();
      undoErr();
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    };
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--installs === 0) {
      restore?.();
      restore = undefined;
    }
  };
}

function append(capture: Capture, text: string): void {
  capture.text += text;
  if (capture.text.length > MAX_LOG_CHARS) {
    capture.text = capture.text.slice(capture.text.length - MAX_LOG_CHARS);
    capture.dropped = true;
  }
}

function patch(stream: NodeJS.WriteStream): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the stream as `this` below
  const original = stream.write;
  const write = function (this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const capture = storage.getStore();
    if (capture === undefined) return (original as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
    append(capture, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  };
  stream.write = write;
  return () => {
    stream.write = original;
  };
}
