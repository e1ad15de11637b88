import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { systemClock, type Clock } from "../runtime/clock.ts";
import type { Catalog } from "../runtime/catalog.ts";
import type { EventSink } from "../runtime/events.ts";
import type { SignalSource } from "../runtime/signals.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import { MemoryStore } from "../store/memory-store.ts";
import type { StateStore } from "../store/state-store.ts";
import { EventRecorder } from "./event-recorder.ts";
import { buildExecutionGraph, type ExecutionGraph } from "./execution-graph.ts";
import type { ExecutionResult } from "./execution-result.ts";
import { ExecutionRun, type PriorNodes } from "./execution-run.ts";
import { endedResult, succeededOutputs } from "./prior-nodes.ts";
import { NodePreparationError, type LaunchPlanResolver, type OffloadedLiteralReader } from "./nodes/node-handler.ts";

/** What an {@link Engine} talks to. Local runs and the server differ only here. */
export interface EngineOptions {
  /** Runs task attempts: in-process for local runs, through workers on the server. */
  readonly runner: TaskRunner;
  /** Where executions are recorded. @default new MemoryStore() */
  readonly store?: StateStore;
  /** Time and timers (timeouts). @default systemClock */
  readonly clock?: Clock;
  /** Receives every phase change as it happens. @default none */
  readonly events?: EventSink;
  /** Most task nodes running at once in one execution; 0 for no limit. @default 0 */
  readonly maxParallelism?: number;
  /** Retries per node for recoverable system failures (separate from the task's retries). @default 3 */
  readonly systemRetries?: number;
  /**
   * Resolves the launch plans that launch-plan nodes refer to; each such node runs the launch
   * plan's workflow as a child execution on this engine. @default none (launch-plan nodes fail)
   */
  readonly launchPlans?: LaunchPlanResolver;
  /** Cache of task outputs for cacheable tasks. @default none (caching disabled: CACHE_DISABLED) */
  readonly catalog?: Catalog;
  /** Signal values for gate nodes. @default none (gates that wait for a signal fail) */
  readonly signals?: SignalSource;
  /** Reads offloaded literals, for map tasks over offloaded lists. @default none (such maps fail saying so) */
  readonly offloadedLiterals?: OffloadedLiteralReader;
}

/** One execution to run. */
export interface ExecuteRequest {
  /** Unique per store; the store rejects a duplicate. */
  readonly executionId: string;
  readonly closure: CompiledWorkflowClosure;
  /** The workflow inputs: the start node's outputs. */
  readonly inputs: LiteralMap;
  /** Terminates the execution: running attempts are aborted and the result is ABORTED. */
  readonly signal?: AbortSignal;
  /** Skip cache lookups and replace stored results with new ones (Flyte's `overwrite_cache`). @default false */
  readonly overwriteCache?: boolean;
  /** Overrides the engine's `maxParallelism` for this execution (a launch plan's setting). @default the engine's */
  readonly maxParallelism?: number | undefined;
  /**
   * Resume-or-create: when the store already holds `executionId` (a server restarted), pick the
   * execution up where the store left it instead of rejecting the duplicate. Nodes recorded
   * SUCCEEDED or RECOVERED keep their outputs and do not run again (no events are recorded for
   * them); every other node runs again, and task attempts are asked of the runner with the same
   * attempt numbers, so a runner that remembers attempts (the server's queue) answers with the
   * recorded outcomes instead of running them twice. An execution already terminal resolves with
   * its recorded result. @default false
   */
  readonly resume?: boolean;
  /**
   * The caller has already created `executionId` in the store, with these closure and inputs and
   * no event since — a server writes it in one transaction with its own record of the request,
   * so that creating an execution takes one durable commit. The engine neither reads nor creates
   * it and starts it at once. Wins over `resume`. @default false
   */
  readonly created?: boolean;
  /**
   * Recovery (Flyte's RecoverExecution): the id of an earlier execution in the same store. Each
   * node of the primary workflow that SUCCEEDED (or was RECOVERED) there is not run: it ends
   * RECOVERED with the earlier outputs. Other nodes run normally. @default none
   */
  readonly recoverFrom?: string;
  /**
   * Called once the execution is in the store (created, or found when resuming), before any node
   * runs. A server answers CreateExecution only then, so that a GetExecution sent right after the
   * answer finds it. Not called when recording fails (the returned promise rejects instead).
   */
  readonly onRecorded?: () => void;
}

/**
 * The one execution engine: runs a compiled workflow closure node by node, as parallel as the
 * graph allows, with retries, timeouts and the workflow's failure policy, recording every phase
 * change in the store and the event sink.
 *
 * @example
 * const engine = new Engine({ runner: inProcessRunner });
 * const result = await engine.execute({ executionId: "e1", closure, inputs });
 * if (result.phase === "SUCCEEDED") console.log(result.outputs);
 */
export class Engine {
  readonly #runner: TaskRunner;
  readonly #store: StateStore;
  readonly #clock: Clock;
  readonly #events: EventSink | undefined;
  readonly #maxParallelism: number;
  readonly #systemRetries: number;
  readonly #launchPlans: LaunchPlanResolver | undefined;
  readonly #catalog: Catalog | undefined;
  readonly #signals: SignalSource | undefined;
  readonly #offloadedLiterals: OffloadedLiteralReader | undefined;

  constructor(options: EngineOptions) {
    this.#runner = options.runner;
    this.#store = options.store ?? new MemoryStore();
    this.#clock = options.clock ?? systemClock;
    this.#events = options.events;
    this.#maxParallelism = Math.max(0, Math.floor(options.maxParallelism ?? 0));
    this.#systemRetries = Math.max(0, Math.floor(options.systemRetries ?? 3));
    this.#launchPlans = options.launchPlans;
    this.#catalog = options.catalog;
    this.#signals = options.signals;
    this.#offloadedLiterals = options.offloadedLiterals;
  }

  /**
   * Runs one execution to its end. Resolves with the result whatever the workflow does; rejects
   * only when the execution cannot be recorded (duplicate id, a failing store or event sink).
   */
  async execute(request: ExecuteRequest): Promise<ExecutionResult> {
    const { executionId, closure, inputs } = request;
    const existing = request.resume === true && request.created !== true ? await this.#store.getExecution(executionId) : undefined;
    let prior: PriorNodes | undefined;
    if (existing !== undefined) {
      const ended = endedResult(existing);
      if (ended !== undefined) {
        request.onRecorded?.();
        return ended;
      }
      prior = { mode: "resume", outputs: await succeededOutputs(this.#store, executionId), phase: existing.phase };
    } else {
      if (request.created !== true) await this.#store.createExecution({ executionId, closure, inputs, createdAt: this.#clock.now() });
      if (request.recoverFrom !== undefined) {
        prior = { mode: "recover", outputs: await succeededOutputs(this.#store, request.recoverFrom) };
      }
    }
    request.onRecorded?.();
    let graph: ExecutionGraph;
    try {
      graph = buildExecutionGraph(closure, {
        systemRetries: this.#systemRetries,
        launchPlans: this.#launchPlans,
        // Child ids are derived from the parent's, so resume-or-create is safe for a fresh
        // parent and picks up the child of a resumed one.
        executeChild: (child) => this.execute({ ...child, resume: true }),
      });
    } catch (error) {
      if (error instanceof NodePreparationError) return this.#failBeforeStart(executionId, error);
      throw error;
    }
    const run = new ExecutionRun(graph, {
      executionId,
      inputs,
      runner: this.#runner,
      store: this.#store,
      clock: this.#clock,
      events: this.#events,
      maxParallelism:
        request.maxParallelism === undefined ? this.#maxParallelism : Math.max(0, Math.floor(request.maxParallelism)),
      signal: request.signal,
      prior,
      services: {
        catalog: this.#catalog,
        signals: this.#signals,
        offloadedLiterals: this.#offloadedLiterals,
        overwriteCache: request.overwriteCache ?? false,
      },
    });
    return run.start();
  }

  /** A closure that cannot run fails as a whole, before any node starts. */
  async #failBeforeStart(executionId: string, failure: NodePreparationError): Promise<ExecutionResult> {
    const recorder = new EventRecorder(this.#store, this.#events, () => undefined);
    const occurredAt = this.#clock.now();
    recorder.emit({ kind: "workflow", executionId, phase: "QUEUED", occurredAt });
    recorder.emit({ kind: "workflow", executionId, phase: "FAILED", occurredAt, error: failure.error });
    await recorder.settled();
    return { phase: "FAILED", error: failure.error };
  }
}
