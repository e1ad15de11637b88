/**
 * Reading V8 stack traces: which frames are the user's own code (not the SDK, the engine, a
 * dependency or Node itself). Used to find where an entity was defined, where a promise was
 * misused and which frames of a task's error to show.
 */
import { fileURLToPath } from "node:url";

/** One frame of a stack trace that points at a file. */
export interface StackFrame {
  /** Absolute file path (file: URLs are converted). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The frame's text as V8 printed it, without the leading "at ". */
  readonly text: string;
}

// "    at fn (/a/b.ts:1:2)", "    at /a/b.ts:1:2", "    at async fn (file:///a/b.ts:1:2)"
const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/;

/** Parses one stack line; undefined for lines that are not frames with a file position. */
export function parseFrame(line: string): StackFrame | undefined {
  const m = FRAME.exec(line);
  if (m === null) return undefined;
  const raw = m[1]!;
  let file = raw;
  if (raw.startsWith("file://")) {
    try {
      file = fileURLToPath(raw);
    } catch {
      return undefined;
    }
  }
  return { file, line: Number(m[2]), column: Number(m[3]), text: line.trim().replace(/^at /, "") };
}

/**
 * Whether a file is part of the SDK or the engine rather than user code: flytekit's and the other
 * workspace packages' sources, or anything under node_modules (installed packages, flytekit
 * included once it is installed into a project).
 */
export function isFrameworkFile(file: string): boolean {
  if (/[\\/]node_modules[\\/]/.test(file) || file.startsWith("node:")) return true;
  // The workspace's own sources, except their tests and test data (user code for these purposes).
  return /[\\/]packages[\\/](?:flytekit|engine|idl|worker|server|cli)[\\/]src[\\/]/.test(file) && !/\.test\.[cm]?ts$|[\\/]testdata[\\/]/.test(file);
}

/** Whether `line` is a frame of the user's own code. */
export function isUserFrame(frame: StackFrame): boolean {
  return !isFrameworkFile(frame.file);
}

/** The frames of `stack` that point at user code, outermost last. */
export function userFrames(stack: string | undefined): StackFrame[] {
  return (stack ?? "")
    .split("\n")
    .map(parseFrame)
    .filter((f): f is StackFrame => f !== undefined && isUserFrame(f));
}

/** The innermost user frame of the current call stack (the caller of an SDK function). */
export function callerFrame(): StackFrame | undefined {
  // Enough frames to get past the SDK's own (a call goes through a few helpers).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  return userFrames(stack)[0];
}
