/**
 * Runs task attempts in this process by calling the task's function: the task runner of local
 * runs. Maps what a task throws to the engine's failure record (user error, recoverable or not).
 */
import { describeTaskError } from "../task-errors.ts";
import type { TaskFailure, TaskRunRequest, TaskRunResult, TaskRunner } from "@flyte/engine";
import { runInTaskContext, streamLogger } from "../context.ts";
import { FlyteError, FlyteRecoverableError } from "../errors.ts";
import type { TaskDefinition } from "../task.ts";
import { outsideEager } from "./eager-run.ts";
import { runGraphTask } from "./graph-tasks.ts";
import { runLocally } from "./run.ts";
import { runIsolated, runsIsolated } from "./isolated-attempt.ts";
import { secretStoreFor } from "../secrets.ts";
import { attemptDataContext, removeAttemptDownloads, runInDataContext } from "../data/data-context.ts";

/**
 * A runner over the task definitions a workflow references, found by task name. Tasks with a
 * timeout, a memory limit or fresh isolation run in an isolate (isolated-attempt.ts); the others
 * in this thread.
 *
 * Eager tasks: the body's awaited calls go to the request's `eager` controller, each becoming a
 * child node of the attempt's node. This is the hook every host plugs into: a local run passes
 * the engine's controller; a worker (on the bundle's copy of this class) passes one that runs the
 * calls on the server. Without a controller, each call is a separate local run.
 */
export class InProcessTaskRunner implements TaskRunner {
  readonly #tasks: ReadonlyMap<string, TaskDefinition>;
  /** Tasks that dynamic bodies and eager calls brought in while running. */
  readonly #discovered = new Map<string, TaskDefinition>();

  constructor(tasks: ReadonlyMap<string, TaskDefinition>) {
    this.#tasks = tasks;
  }

  async run(request: TaskRunRequest): Promise<TaskRunResult> {
    const name = request.task.id?.name ?? "";
    const task = this.#tasks.get(name) ?? this.#discovered.get(name);
    if (task === undefined) {
      return {
        kind: "failure",
        error: { code: "SYSTEM:TaskNotFound", message: `no task named '${name}' is loaded in this process`, kind: "SYSTEM", recoverable: false },
      };
    }
    if (runsIsolated(task)) {
      const isolated = await runIsolated(task, request);
      if (isolated !== undefined) return isolated;
    }
    // Dynamic and eager bodies write data too (returned paths, files passed to calls): in the attempt's store.
    const data = attemptDataContext(request.executionId, request.nodeId, request.attempt, request.rawOutputBase);
    try {
      const graph = runInDataContext(data, () =>
        runGraphTask(task, request, (found) => found.forEach((d, n) => this.#discovered.set(n, d)), (e, i) => runLocally(e, i)),
      );
      if (graph !== undefined) return await graph;
      const context = {
        executionId: request.executionId,
        nodeId: request.nodeId,
        retryAttempt: request.attempt,
        taskName: name,
        logger: streamLogger(request.nodeId),
        signal: request.signal,
        secrets: secretStoreFor(name, task.options.secrets),
      };
      const outputs = await runInDataContext(data, () => runInTaskContext(context, () => outsideEager(() => task.execute(request.inputs))));
      return { kind: "success", outputs };
    } catch (err) {
      return { kind: "failure", error: failureOf(err) };
    } finally {
      // The attempt's outputs are in the store: its downloaded copies can go.
      // A cleanup that fails (a file still open) must not fail the attempt; the exit hook retries.
      await removeAttemptDownloads(data).catch(() => undefined);
    }
  }
}

/** What a thrown value means for retries: only FlyteRecoverableError is retried. */
export function failureOf(err: unknown): TaskFailure {
  if (err instanceof FlyteRecoverableError) {
    return { code: "USER:Recoverable", message: describeTaskError(err), kind: "USER", recoverable: true };
  }
  if (err instanceof FlyteError) {
    return { code: `USER:${err.code}`, message: describeTaskError(err), kind: "USER", recoverable: false };
  }
  if (err instanceof Error) {
    return { code: `USER:${err.name}`, message: describeTaskError(err), kind: "USER", recoverable: false };
  }
  return { code: "USER:Thrown", message: `the task threw a non-Error value: ${String(err)}`, kind: "USER", recoverable: false };
}
