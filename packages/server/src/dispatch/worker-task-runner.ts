/**
 * The engine's `TaskRunner` on the durable `AttemptQueue`: each attempt becomes a queued
 * `Assignment` that a worker leases, and the attempt's promise settles when the worker's
 * completion is recorded (woken in-process, no polling), when its lease expires (a recoverable
 * SYSTEM failure), or at once when the queue already holds an outcome for it (a resumed
 * execution asking again for an attempt that finished before the server restarted).
 */
import { create } from "@bufbuild/protobuf";
import type { TaskRunRequest, TaskRunResult, TaskRunner } from "@flyte/engine";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema, type CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { nodeDataDir } from "../blob/blob-layout.ts";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import { parseExecutionKey } from "../store/execution-key.ts";
import { encodeAssignment } from "./assignment-payload.ts";
import { AbortListeners } from "./abort-listeners.ts";
import { leaseExpired, outcomeOf, outcomeOfEnded } from "./attempt-outcome.ts";
import { EagerCalls } from "./eager-calls.ts";
import { UNSUPPORTED_RUNTIME_CODE, unsupportedRuntimeReason } from "./task-runtime.ts";

/** Options of {@link WorkerTaskRunner}. */
export interface WorkerTaskRunnerOptions {
  readonly queue: AttemptQueue;
  /** How often lapsed leases are looked for, in ms. @default 1000 */
  readonly expiryCheckMs?: number;
  /** Reports background failures (expiry sweeps, cancels). @default console.error */
  readonly onError?: (message: string, error: unknown) => void;
}

interface Waiter {
  readonly resolve: (result: TaskRunResult) => void;
  readonly what: string;
  /** An eager attempt's calls (`WorkerService.RunEagerChild`), taken only while it waits. */
  readonly eager?: EagerCalls;
}

/** Completions that arrived before their runner attached (resumed executions); kept this long. */
const EARLY_TTL_MS = 60_000;

/**
 * Runs task attempts through workers.
 *
 * @example
 * const runner = new WorkerTaskRunner({ queue });
 * const engine = new Engine({ runner, store });
 * // The worker's session calls runner.completed(id, report) once the queue recorded it.
 */
export class WorkerTaskRunner implements TaskRunner {
  readonly #queue: AttemptQueue;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #waiters = new Map<number, Waiter>();
  readonly #early = new Map<number, { result: TaskRunResult; at: number }>();
  /** One abort listener per execution signal, not one per attempt (a map's items share it). */
  readonly #aborts = new AbortListeners();
  readonly #timer: NodeJS.Timeout;
  #sweeping = false;

  constructor(options: WorkerTaskRunnerOptions) {
    this.#queue = options.queue;
    this.#onError = options.onError ?? ((message, error) => console.error(`flyte: ${message}`, error));
    this.#timer = setInterval(() => void this.sweep(), options.expiryCheckMs ?? 1000);
    this.#timer.unref();
  }

  async run(request: TaskRunRequest): Promise<TaskRunResult> {
    const { executionId, nodeId, attempt, task } = request;
    const identity = parseExecutionKey(executionId);
    const what = `Attempt ${attempt + 1} of node "${nodeId}" in execution "${executionId}"`;
    const facts = factsOf(task);
    const unsupported = facts.unsupported;
    if (unsupported !== undefined) {
      return { kind: "failure", error: { code: UNSUPPORTED_RUNTIME_CODE, kind: "USER", message: unsupported, recoverable: false } };
    }
    // The assignment carries the inputs, and the node's row holds them (state store): no
    // inputs.pb file per attempt (docs/benchmarks.md).
    const assignment = create(AssignmentSchema, {
      project: identity.project,
      domain: identity.domain,
      executionName: identity.name,
      nodeId,
      retryAttempt: attempt,
      task,
      inputs: request.inputs,
      bundleUrl: facts.bundleUrl,
      outputPrefix: `${nodeDataDir(identity, nodeId)}/${attempt}`,
    });
    const { promise, resolve, reject } = Promise.withResolvers<TaskRunResult>();
    let id: number | undefined;
    const onAbort = (): void => {
      // Before the enqueue committed, the commit below sees the aborted signal and cancels.
      if (id === undefined) return;
      this.#waiters.delete(id);
      void this.#cancel(id, what);
      resolve(cancelledResult(what));
    };
    // Registered at the enqueue's COMMIT, not after its fsync: the attempt is handed out at that
    // commit, and a trivial task completes well within an fsync. Waiting for the fsync first put
    // it on every step's path (docs/benchmarks.md, fifth round). Nothing is acknowledged to a
    // client by this: the completion's own ack waits for an fsync after this commit.
    const enqueued = this.#queue.enqueueOrFind(
      {
        executionId,
        nodeId,
        attempt,
        taskKey: facts.taskKey,
        payload: encodeAssignment(assignment),
        // Handed out as is by a session of this process (worker-session.ts): no decode per attempt.
        decoded: assignment,
      },
      (found) => {
        const ended = outcomeOfEnded(found.state, found.result, what);
        if (ended !== undefined) return resolve(ended);
        const early = this.#early.get(found.id);
        if (early !== undefined) {
          this.#early.delete(found.id);
          return resolve(early.result);
        }
        if (request.signal.aborted) {
          void this.#cancel(found.id, what);
          return resolve(cancelledResult(what));
        }
        id = found.id;
        this.#waiters.set(found.id, { resolve, what, ...(request.eager !== undefined ? { eager: new EagerCalls(request.eager) } : {}) });
      },
    );
    // A failed enqueue (or its fsync) fails the attempt unless its outcome already came.
    enqueued.catch(reject);
    const offAbort = this.#aborts.add(request.signal, onAbort);
    try {
      return await promise;
    } finally {
      if (id !== undefined) this.#waiters.delete(id);
      offAbort();
    }
  }

  /**
   * A worker's completion of queue attempt `id` was recorded: wake its runner. Takes the report as
   * the session decoded it, not the bytes the queue keeps, so it is not decoded a second time.
   */
  completed(id: number, report: CompleteRequest): void {
    this.#deliver(id, outcomeOf(report));
  }

  /**
   * Expires lapsed leases and fails their attempts with `SYSTEM:LeaseExpired` (recoverable, so
   * the engine retries them within the system retry budget). Runs on a timer; callable by tests.
   */
  async sweep(now?: number): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const expired = await this.#queue.expire(now);
      for (const attempt of expired) {
        this.#deliver(attempt.id, leaseExpired(`Attempt ${attempt.attempt + 1} of node "${attempt.nodeId}" in execution "${attempt.executionId}"`));
      }
      const horizon = Date.now() - EARLY_TTL_MS;
      for (const [id, early] of this.#early) if (early.at < horizon) this.#early.delete(id);
    } catch (error) {
      this.#onError("could not expire lapsed leases", error);
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * The calls of eager attempt `id` while its runner waits for it; undefined once it ended, for
   * a task that is not eager, or before this process waits on it (a server resuming after a restart).
   */
  eagerCallsOf(id: number): EagerCalls | undefined {
    return this.#waiters.get(id)?.eager;
  }

  /** Attempts waiting for a worker in this process. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Stops the expiry timer; waiting attempts stay queued (a restarted server resumes them). */
  close(): void {
    clearInterval(this.#timer);
  }

  #deliver(id: number, result: TaskRunResult): void {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) {
      this.#early.set(id, { result, at: Date.now() });
      return;
    }
    this.#waiters.delete(id);
    waiter.resolve(result);
  }

  async #cancel(id: number, what: string): Promise<void> {
    try {
      await this.#queue.cancelAttempt(id);
    } catch (error) {
      this.#onError(`could not cancel ${what}`, error);
    }
  }
}

/** What dispatch reads off a template alone (see {@link factsOf}). */
interface TemplateFacts {
  readonly unsupported: string | undefined;
  readonly taskKey: string;
  readonly bundleUrl: string;
}

const templateFacts = new WeakMap<TaskTemplate, TemplateFacts>();

/**
 * {@link unsupportedRuntimeReason}, {@link taskKeyOf} and {@link bundleUrlOf} of `task`, worked
 * out once per template object: a map's items share their node's, and working them out per item
 * (copying the container's words into a new array each time) was ~10 µs of the server per item
 * (docs/benchmarks.md, ninth round). Templates are not changed once compiled into a closure.
 */
function factsOf(task: TaskTemplate): TemplateFacts {
  let facts = templateFacts.get(task);
  if (facts === undefined) {
    facts = { unsupported: unsupportedRuntimeReason(task), taskKey: taskKeyOf(task), bundleUrl: bundleUrlOf(task) };
    templateFacts.set(task, facts);
  }
  return facts;
}

/** `project:domain:name:version` of a task, the queue's task key. */
export function taskKeyOf(task: TaskTemplate): string {
  const id = task.id;
  return id === undefined ? "" : `${id.project}:${id.domain}:${id.name}:${id.version}`;
}

/** The value of `--additional-distribution` in the task's container args (fast registration), or "". */
export function bundleUrlOf(task: TaskTemplate): string {
  const args = task.target.case === "container" ? task.target.value.args : [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--additional-distribution") return args[i + 1] ?? "";
    if (arg.startsWith("--additional-distribution=")) return arg.slice("--additional-distribution=".length);
  }
  return "";
}

function cancelledResult(what: string): TaskRunResult {
  return outcomeOfEnded("cancelled", undefined, what) as TaskRunResult;
}
