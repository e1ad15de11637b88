/**
 * The failure record of an attempt whose isolate ended without an answer: it crashed, exited,
 * ran out of memory, or was stopped after a timeout or a terminate. Shared by local runs and
 * workers, so both report the same codes.
 */
import type { TaskFailure } from "@flyte/engine";
import type { IsolateEnd } from "./isolate.ts";

/** Stable codes of these failures. */
export const ISOLATE_FAILURE_CODES = {
  /** As Flyte reports a pod killed for its memory limit. */
  outOfMemory: "USER:OOMKilled",
  /** The task's code called process.exit(). */
  exited: "USER:ProcessExit",
  /** An error left uncaught in a callback or a promise nobody awaited. */
  uncaught: "USER:Uncaught",
  /** Stopped after an abort (timeout, terminate) and a grace period. */
  stopped: "USER:Aborted",
} as const;

/** The failure of `end` (anything but "done") for task `taskName`. */
export function isolateEndFailure(end: Exclude<IsolateEnd, { kind: "done" }>, taskName: string): TaskFailure {
  switch (end.kind) {
    case "out-of-memory": {
      const limit = end.memoryMb !== undefined ? `its memory limit (limits.mem, ${end.memoryMb} MiB of JavaScript heap)` : "the heap available to it";
      return {
        code: ISOLATE_FAILURE_CODES.outOfMemory,
        message: `task '${taskName}' ran out of memory: it used more than ${limit} and was stopped; raise limits.mem or use less memory (${end.message})`,
        kind: "USER",
        recoverable: false,
      };
    }
    case "exited":
      return {
        code: ISOLATE_FAILURE_CODES.exited,
        message: `task '${taskName}' called process.exit(${end.code}) (or its thread ended) before returning; return a value or throw an error instead`,
        kind: "USER",
        recoverable: false,
      };
    case "crashed":
      return {
        code: ISOLATE_FAILURE_CODES.uncaught,
        message: `task '${taskName}' left an error uncaught (in a callback or a promise nobody awaited): ${end.error.name}: ${end.error.message}`,
        kind: "USER",
        recoverable: false,
      };
    case "stopped":
      return { code: ISOLATE_FAILURE_CODES.stopped, message: `task '${taskName}' was stopped: ${end.reason}`, kind: "USER", recoverable: false };
  }
}
