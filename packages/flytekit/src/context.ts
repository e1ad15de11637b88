/**
 * `currentContext()`: what a running task can read about itself (flytekit's
 * `current_context()`, `ExecutionParameters`). The runner that calls a task's function sets it,
 * per call, with AsyncLocalStorage, so concurrent tasks in one process each see their own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { FlyteError } from "./errors.ts";
import type { SecretStore } from "./secrets.ts";

/** Writes lines about the running task; locally to stderr, prefixed with the node id. */
export interface TaskLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a running task knows about its execution. */
export interface ExecutionParameters {
  /** The execution's name (unique per project and domain). */
  readonly executionId: string;
  /** The node running this task, e.g. "n1" (nested nodes are prefixed by their parents). */
  readonly nodeId: string;
  /** Zero-based attempt number: 0 on the first try, 1 on the first retry. */
  readonly retryAttempt: number;
  /** The task's name. */
  readonly taskName: string;
  readonly logger: TaskLogger;
  /**
   * Aborted when the attempt times out or is terminated. Pass it on to `fetch`, timers and child
   * processes, or check it in long loops; an attempt still running a grace period after the abort
   * is stopped hard (docs/isolation.md).
   */
  readonly signal: AbortSignal;
  /** The secrets the task declared (`secrets` option): `secrets.get(group, key)`. */
  readonly secrets: SecretStore;
}

const storage = new AsyncLocalStorage<ExecutionParameters>();

/**
 * The context of the task being run. Call it inside a task's function (also after `await`).
 *
 * @throws FlyteError E_NOT_IN_TASK when no task is running in this async context.
 * @example
 * export const t = task({ inputs: { a: z.int() } }, ({ a }) => {
 *   const ctx = currentContext();
 *   ctx.logger.info(`attempt ${ctx.retryAttempt} of node ${ctx.nodeId} with a=${a}`);
 * });
 */
export function currentContext(): ExecutionParameters {
  const context = storage.getStore();
  if (context === undefined) {
    throw new FlyteError(
      "E_NOT_IN_TASK",
      "currentContext() was called outside a running task; call it inside a task's function (not in a workflow body or at module level).",
    );
  }
  return context;
}

/** @internal Runs `fn` with `context` as the current task context. */
export function runInTaskContext<T>(context: ExecutionParameters, fn: () => T): T {
  return storage.run(context, fn);
}

/** A logger writing `[nodeId] LEVEL message` lines to `stream` (stderr by default). */
export function streamLogger(nodeId: string, stream: { write(text: string): unknown } = process.stderr): TaskLogger {
  const line = (level: string) => (message: string): void => {
    stream.write(`[${nodeId}] ${level} ${message}\n`);
  };
  return { debug: line("DEBUG"), info: line("INFO"), warn: line("WARN"), error: line("ERROR") };
}
