/**
 * The messages between a supervisor (isolate.ts, in the main thread) and the code that runs
 * attempts inside a worker thread (thread-kit.ts). Values travel by structured clone.
 */
import type { Resolutions } from "./resolution-cache.ts";

/** An error as it crosses the thread boundary. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Which stream an attempt wrote to. */
export type LogStream = "stdout" | "stderr";

/** Supervisor → thread. */
export type ToThread =
  | { readonly kind: "run"; readonly payload: unknown }
  /**
   * Abort the running attempt's signal (a timeout or a terminate); the hard stop follows after the
   * grace period. With `item`, only that item's signal (see ThreadAttempt.item in thread-kit.ts).
   */
  | { readonly kind: "abort"; readonly name: string; readonly message: string; readonly item?: number }
  | { readonly kind: "reply"; readonly id: number; readonly ok: boolean; readonly value: unknown };

/** Thread → supervisor. */
export type FromThread =
  /** Sent once, when the thread's entry has loaded and serves attempts: it can start one at once. */
  | { readonly kind: "ready" }
  /** `item`: the item that was running when it was printed, for a run of many (thread-kit.ts). */
  | { readonly kind: "log"; readonly stream: LogStream; readonly text: string; readonly item?: number }
  /** `waitedMs`: how long the attempt's code awaited (the thread's event loop was idle) while it ran. */
  | { readonly kind: "done"; readonly value: unknown; readonly waitedMs: number }
  /** An error nobody caught (a throw in a timer, an unhandled rejection): it ends the attempt and the isolate. */
  | { readonly kind: "crash"; readonly error: ErrorInfo }
  /** A question the attempt asks the host (for example an eager task's call); answered by a `reply`. */
  | { readonly kind: "request"; readonly id: number; readonly value: unknown }
  /** What the thread's start resolved that the main thread's table lacked (resolution-cache.ts). */
  | { readonly kind: "resolutions"; readonly entries: Resolutions };

/** The {@link ErrorInfo} of any thrown value. */
export function errorInfoOf(err: unknown): ErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  return { name: "Thrown", message: String(err) };
}
