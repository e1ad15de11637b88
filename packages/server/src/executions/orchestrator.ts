/**
 * The orchestrator: runs executions on the one engine with the durable store and the worker
 * runner, keeps a handle on each running root execution (to terminate it), and on start resumes
 * every execution the store says has not ended (architecture.md principle 4).
 *
 * Resuming relies on two properties: the engine's resume-or-create (`ExecuteRequest.resume`)
 * keeps the outputs of nodes recorded SUCCEEDED and runs the others again, and the runner's
 * idempotent enqueue answers an attempt that already finished with its recorded outcome. Nested
 * graphs (sub-workflows, branches, dynamic, arrays) are re-entered from their parent node: their
 * attempts, asked for again with the same ids, are found in the queue — so nothing that finished
 * runs twice, while attempts lost in flight run again (at least once; recorded exactly once).
 */
import { Engine, type Catalog, type ExecutionResult, type OffloadedLiteralReader, type SignalSource } from "@flyte/engine";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import type { RegistryStore } from "../registry/registry-store.ts";
import type { SqliteStateStore } from "../store/sqlite-state-store.ts";
import type { WorkerTaskRunner } from "../dispatch/worker-task-runner.ts";
import type { ExecutionSpecs } from "./execution-records.ts";
import { registryLaunchPlanResolver } from "./launch-targets.ts";

/** Max parallelism of executions whose request and launch plan leave it at 0 (FlyteAdmin's default). */
export const DEFAULT_MAX_PARALLELISM = 25;

/** What the orchestrator runs on. */
export interface OrchestratorOptions {
  readonly store: SqliteStateStore;
  readonly queue: AttemptQueue;
  readonly runner: WorkerTaskRunner;
  readonly specs: ExecutionSpecs;
  readonly registry: RegistryStore;
  readonly catalog?: Catalog;
  readonly signals?: SignalSource;
  /** Reads offloaded literals (map tasks over offloaded lists). @default none */
  readonly offloadedLiterals?: OffloadedLiteralReader;
  /** Retries per node for recoverable system failures (lease expiry, lost workers). @default 3 */
  readonly systemRetries?: number;
  readonly onError?: (message: string, error: unknown) => void;
}

/** One execution to start or resume. */
export interface LaunchRequest {
  readonly executionId: string;
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  /** The execution is in the store already, just created with these closure and inputs (the engine's `created`). @default false */
  readonly created?: boolean;
  readonly maxParallelism?: number;
  readonly overwriteCache?: boolean;
  readonly recoverFrom?: string;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<ExecutionResult | undefined>;
  /** Settles once the execution is in the store, or once it stopped without getting there. */
  readonly recorded: Promise<void>;
}

/** Runs and tracks executions. */
export class Orchestrator {
  readonly engine: Engine;
  readonly #options: OrchestratorOptions;
  readonly #running = new Map<string, Running>();
  readonly #onError: (message: string, error: unknown) => void;
  #closed = false;

  constructor(options: OrchestratorOptions) {
    this.#options = options;
    this.#onError = options.onError ?? ((message, error) => console.error(`flyte: ${message}`, error));
    this.engine = new Engine({
      runner: options.runner,
      store: options.store,
      maxParallelism: DEFAULT_MAX_PARALLELISM,
      systemRetries: options.systemRetries ?? 3,
      launchPlans: registryLaunchPlanResolver(options.registry),
      ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
      ...(options.signals === undefined ? {} : { signals: options.signals }),
      ...(options.offloadedLiterals === undefined ? {} : { offloadedLiterals: options.offloadedLiterals }),
    });
  }

  /**
   * Starts (or resumes) an execution in the background; the returned promise settles when it
   * ends (undefined if the engine could not record it, e.g. the server is closing).
   */
  launch(request: LaunchRequest): Promise<ExecutionResult | undefined> {
    const existing = this.#running.get(request.executionId);
    if (existing !== undefined) return existing.done;
    const controller = new AbortController();
    let markRecorded = (): void => {};
    const recorded = new Promise<void>((resolve) => (markRecorded = resolve));
    const done = this.engine
      .execute({
        executionId: request.executionId,
        onRecorded: markRecorded,
        closure: request.closure,
        inputs: request.inputs,
        signal: controller.signal,
        resume: true,
        ...(request.created === true ? { created: true } : {}),
        ...(request.maxParallelism === undefined ? {} : { maxParallelism: request.maxParallelism }),
        ...(request.overwriteCache === true ? { overwriteCache: true } : {}),
        ...(request.recoverFrom === undefined ? {} : { recoverFrom: request.recoverFrom }),
      })
      .then(
        (result) => result,
        (error: unknown) => {
          if (!this.#closed) this.#onError(`execution "${request.executionId}" stopped: its state could not be recorded`, error);
          return undefined;
        },
      )
      .finally(() => {
        markRecorded();
        this.#running.delete(request.executionId);
      });
    this.#running.set(request.executionId, { controller, done, recorded });
    return done;
  }

  /**
   * Resolves once a launched execution is in the store (or has stopped trying): what
   * CreateExecution waits for before it answers, so that reads right after it find the execution.
   */
  async recorded(executionId: string): Promise<void> {
    await this.#running.get(executionId)?.recorded;
  }

  /** Resumes every unfinished execution the server started; returns how many. */
  resumeAll(): number {
    const unfinished = this.#options.specs.unfinished();
    for (const record of unfinished) {
      const maxParallelism = record.spec.maxParallelism;
      void this.launch({
        executionId: record.executionId,
        closure: record.closure,
        inputs: record.inputs,
        ...(maxParallelism > 0 ? { maxParallelism } : {}),
        overwriteCache: record.spec.overwriteCache,
        ...(record.recoverFrom === undefined ? {} : { recoverFrom: record.recoverFrom }),
      });
    }
    return unfinished.length;
  }

  /** Whether the execution runs in this process. */
  isRunning(executionId: string): boolean {
    return this.#running.has(executionId);
  }

  /**
   * Terminates a running execution: its attempts are aborted (and cancelled in the queue, so
   * workers see it on their next heartbeat) and it ends ABORTED. Resolves once that is recorded.
   */
  async terminate(executionId: string, cause: string): Promise<ExecutionResult | undefined> {
    const running = this.#running.get(executionId);
    if (running === undefined) return undefined;
    running.controller.abort(new Error(cause === "" ? "terminated" : cause));
    const result = await running.done;
    await this.#options.queue.cancel(executionId);
    return result;
  }

  /** Waits for a running execution to end (tests, scheduler). */
  async wait(executionId: string): Promise<ExecutionResult | undefined> {
    return this.#running.get(executionId)?.done;
  }

  /** Stops reporting; running executions stay unfinished in the store and resume on the next start. */
  close(): void {
    this.#closed = true;
  }
}
