/**
 * One execution in flight: the execution-level concerns around the graph's scheduler
 * (graph-scheduler.ts) — workflow events from QUEUED to the terminal phase, the request's abort
 * signal, the failure node, resume and recover (the nodes the scheduler reuses), and recording:
 * node and workflow events go through one {@link EventRecorder}, nothing after the terminal event.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Clock } from "../runtime/clock.ts";
import type { ExecutionError } from "../runtime/errors.ts";
import type { EventSink, ExecutionEvent, WorkflowExecutionEvent } from "../runtime/events.ts";
import type { WorkflowExecutionPhase } from "../runtime/phases.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import type { StateStore } from "../store/state-store.ts";
import { EventRecorder } from "./event-recorder.ts";
import { describeThrown, engineErrorCodes, nodeError } from "./execution-errors.ts";
import { END_INDEX, type ExecutionGraph } from "./execution-graph.ts";
import type { ExecutionResult } from "./execution-result.ts";
import { runFailureNode } from "./failure-node.ts";
import type { GraphEnd, GraphHost, PriorNodes } from "./graph-host.ts";
import { GraphScheduler } from "./graph-scheduler.ts";
import type { ActiveNode, NodeFailurePhase, NodeServices } from "./nodes/node-handler.ts";

export type { PriorNodes } from "./graph-host.ts";

/** Everything a run needs besides the graph. */
export interface RunOptions {
  readonly executionId: string;
  readonly inputs: LiteralMap;
  readonly runner: TaskRunner;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly events: EventSink | undefined;
  /** 0 for unlimited. */
  readonly maxParallelism: number;
  readonly signal: AbortSignal | undefined;
  /** Cache and signals, for task and gate nodes. */
  readonly services?: NodeServices | undefined;
  /** Nodes that already succeeded (a resumed execution) or succeeded in a recovered one. @default none */
  readonly prior?: PriorNodes | undefined;
}

/**
 * Runs one execution of a prepared graph; `start` resolves with its result. It is the host of
 * the top-level {@link GraphScheduler}: the `GraphHost` members are for the scheduler only.
 */
export class ExecutionRun implements GraphHost {
  readonly #executionId: string;
  readonly #clock: Clock;
  readonly #graph: ExecutionGraph;
  readonly #scheduler: GraphScheduler;
  readonly #recorder: EventRecorder;
  readonly #controller = new AbortController();
  readonly #requestSignal: AbortSignal | undefined;
  readonly #outcome = Promise.withResolvers<ExecutionResult>();
  readonly #onRequestAbort = (): void => this.#terminate();
  readonly #prior: PriorNodes | undefined;

  /** The terminal workflow event is out: nothing more is recorded. */
  #closed = false;
  /** The workflow's failure node, once the workflow failed and it was started (failure-node.ts). */
  #failureNode: { readonly active: ActiveNode; ended: boolean } | undefined;

  constructor(graph: ExecutionGraph, options: RunOptions) {
    this.#executionId = options.executionId;
    this.#clock = options.clock;
    this.#graph = graph;
    this.#requestSignal = options.signal;
    this.#prior = options.prior;
    this.#recorder = new EventRecorder(options.store, options.events, (error) => this.crash(error));
    // Nodes get the run's own signal (aborted when the execution ends), not the request's.
    this.#scheduler = new GraphScheduler(graph, this, {
      ...options,
      signal: this.#controller.signal,
      services: options.services,
      prior: options.prior,
      prefix: "",
    });
  }

  /** Starts the execution; resolves when it ends, rejects if its state cannot be recorded. */
  start(): Promise<ExecutionResult> {
    const prior = this.#prior;
    // A resumed execution already recorded RUNNING (or FAILING): phases must not go back.
    if (prior?.mode !== "resume" || prior.phase === "UNDEFINED" || prior.phase === "QUEUED") {
      this.#emitWorkflow("QUEUED");
      this.#emitWorkflow("RUNNING");
    }
    if (this.#requestSignal?.aborted === true) {
      this.#terminate();
      return this.#outcome.promise;
    }
    this.#requestSignal?.addEventListener("abort", this.#onRequestAbort, { once: true });
    this.#scheduler.start();
    return this.#outcome.promise;
  }

  get recording(): boolean {
    return !this.#closed;
  }

  emit(event: ExecutionEvent): void {
    if (!this.#closed) this.#recorder.emit(event);
  }

  failing(error: ExecutionError): void {
    this.#emitWorkflow("FAILING", undefined, error);
  }

  ended(end: GraphEnd): void {
    if (end.phase === "SUCCEEDED") this.#finish("SUCCEEDED", undefined, end.outputs);
    else this.#finish(end.phase, end.error);
  }

  /** The store or the sink failed, or the engine has a bug: stop everything and reject. */
  crash(error: unknown): void {
    if (!this.#scheduler.finished) {
      this.#scheduler.stop();
      this.#requestSignal?.removeEventListener("abort", this.#onRequestAbort);
      this.#abortUnfinished();
    }
    this.#closed = true;
    this.#outcome.reject(error);
  }

  abortedNodeError(nodeId: string, taskName: string | undefined): ExecutionError {
    return nodeError(engineErrorCodes.nodeAborted, "SYSTEM", `Node "${nodeId}" was aborted because the execution ended.`, nodeId, taskName);
  }

  outputsError(detail: string): ExecutionError {
    const endId = this.#graph.ids[END_INDEX] as string;
    return nodeError(engineErrorCodes.bindingResolution, "SYSTEM", `Could not build the workflow outputs: ${detail}`, endId);
  }

  stalledError(waiting: readonly string[]): ExecutionError {
    return {
      code: engineErrorCodes.invalidClosure,
      kind: "SYSTEM",
      message: `The execution stalled: nodes ${waiting.map((id) => `"${id}"`).join(", ")} can never start.`,
    };
  }

  #terminate(): void {
    if (this.#scheduler.finished) return;
    const reason: unknown = this.#requestSignal?.reason;
    const because = reason === undefined ? "" : `: ${describeThrown(reason)}`;
    this.#finish("ABORTED", {
      code: engineErrorCodes.aborted,
      kind: "USER",
      message: `Execution "${this.#executionId}" was terminated${because}.`,
    });
  }

  /** Ends the execution: aborts whatever still runs, records the terminal phase, settles the result. */
  #finish(phase: WorkflowExecutionPhase, error?: ExecutionError, outputs?: LiteralMap): void {
    if (this.#scheduler.finished) return;
    if ((phase === "FAILED" || phase === "TIMED_OUT") && this.#startFailureNode(phase, error as ExecutionError)) return;
    this.#scheduler.stop();
    this.#requestSignal?.removeEventListener("abort", this.#onRequestAbort);
    if (this.#failureNode !== undefined && !this.#failureNode.ended) this.#failureNode.active.abort();
    if (phase !== "SUCCEEDED") this.#abortUnfinished();
    this.#emitWorkflow(phase, outputs, error);
    this.#closed = true;
    const result: ExecutionResult =
      phase === "SUCCEEDED"
        ? { phase, outputs: outputs as LiteralMap }
        : { phase: phase as "FAILED" | "ABORTED" | "TIMED_OUT", error: error as ExecutionError };
    this.#recorder.settled().then(
      () => this.#outcome.resolve(result),
      (failure: unknown) => this.#outcome.reject(failure),
    );
  }

  /**
   * When the workflow has a failure node: stops the other nodes and starts it; the execution ends
   * with the original failure once it has ended. Returns false when there is nothing to wait for.
   */
  #startFailureNode(phase: NodeFailurePhase, error: ExecutionError): boolean {
    const plan = this.#graph.failureNode;
    if (plan === undefined) return false;
    if (this.#failureNode !== undefined) return !this.#failureNode.ended;
    this.#abortUnfinished();
    this.#scheduler.clearReady();
    if (this.#graph.failurePolicy === "FAIL_IMMEDIATELY") this.#emitWorkflow("FAILING", undefined, error);
    const handle: { active: ActiveNode; ended: boolean } = { active: { abort: () => undefined }, ended: false };
    this.#failureNode = handle;
    handle.active = runFailureNode(plan, this.#scheduler, this.#scheduler.inputs, error, () => {
      handle.ended = true;
      this.#finish(phase, error);
    });
    // Either it still runs, or it ended synchronously and the execution has already finished.
    return true;
  }

  /** Aborts the nodes' signal, then records running and queued nodes ABORTED. */
  #abortUnfinished(): void {
    this.#controller.abort(new DOMException("The execution ended.", "AbortError"));
    this.#scheduler.abortUnfinished();
  }

  #emitWorkflow(phase: WorkflowExecutionPhase, outputs?: LiteralMap, error?: ExecutionError): void {
    if (this.#closed) return;
    const base = { kind: "workflow", executionId: this.#executionId, phase, occurredAt: this.#clock.now() } as const;
    const event: WorkflowExecutionEvent =
      outputs !== undefined ? { ...base, outputs } : error !== undefined ? { ...base, error } : base;
    this.#recorder.emit(event);
  }
}
