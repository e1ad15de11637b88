/**
 * A real in-process task runner for the engine's tests: task name → async function over literal
 * maps. A thrown {@link TaskFailureError} reports that failure; any other throw is a
 * non-recoverable user failure, as flytekit treats plain exceptions.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskFailure } from "../../runtime/errors.ts";
import type { TaskRunner, TaskRunRequest, TaskRunResult } from "../../runtime/task-runner.ts";

/** The body of a task. */
export type TaskFunction = (inputs: LiteralMap, request: TaskRunRequest) => LiteralMap | Promise<LiteralMap>;

/** Thrown by a task function to report a specific failure (kind, recoverability). */
export class TaskFailureError extends Error {
  readonly failure: TaskFailure;

  constructor(failure: TaskFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** Runs tasks by name from a table of functions, recording every call. */
export class FunctionRunner implements TaskRunner {
  readonly #tasks: ReadonlyMap<string, TaskFunction>;
  /** Every request, in call order. */
  readonly calls: TaskRunRequest[] = [];

  constructor(tasks: Record<string, TaskFunction>) {
    this.#tasks = new Map(Object.entries(tasks));
  }

  async run(request: TaskRunRequest): Promise<TaskRunResult> {
    this.calls.push(request);
    const name = request.task.id?.name ?? "";
    const fn = this.#tasks.get(name);
    if (fn === undefined) {
      return { kind: "failure", error: { code: "SYSTEM:UnknownTask", message: `no function for task "${name}"`, kind: "SYSTEM", recoverable: false } };
    }
    try {
      return { kind: "success", outputs: await fn(request.inputs, request) };
    } catch (error) {
      if (error instanceof TaskFailureError) return { kind: "failure", error: error.failure };
      const message = error instanceof Error ? error.message : String(error);
      return { kind: "failure", error: { code: "USER:Error", message, kind: "USER", recoverable: false } };
    }
  }
}

/** A promise that resolves after `ms` real milliseconds, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      },
      { once: true },
    );
  });
}
