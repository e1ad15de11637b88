/**
 * One execution in flight: the event-driven scheduler. Each node keeps a counter of upstream
 * nodes still to succeed; a completion decrements its successors' counters and queues those that
 * reach zero; a loop (never recursion) starts queued nodes while parallelism allows. Work per
 * node is constant: no rescans, no timers, no per-node closures beyond the handler's own.
 */
import type { Binding, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Clock } from "../runtime/clock.ts";
import type { ExecutionError } from "../runtime/errors.ts";
import type { CacheStatus } from "../runtime/catalog.ts";
import type { EventSink, ExecutionEvent, WorkflowExecutionEvent } from "../runtime/events.ts";
import type { NodeExecutionPhase, WorkflowExecutionPhase } from "../runtime/phases.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import type { StateStore } from "../store/state-store.ts";
import { BindingResolutionError } from "./binding-resolution-error.ts";
import { resolveBindings } from "./bindings.ts";
import { EventRecorder } from "./event-recorder.ts";
import { describeThrown, engineErrorCodes, nodeError } from "./execution-errors.ts";
import { END_INDEX, START_INDEX, type ExecutionGraph } from "./execution-graph.ts";
import type { ExecutionResult } from "./execution-result.ts";
import { runFailureNode } from "./failure-node.ts";
import type { ActiveNode, NodeEventDetails, NodeFailurePhase, NodeRuntime, NodeServices, PreparedNode } from "./nodes/node-handler.ts";

// Node states, as small integers in a typed array (one byte per node).
const NOT_STARTED = 0;
const QUEUED = 1;
const RUNNING = 2;
const DONE = 3;

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
 * Outputs of nodes that do not run again, by node id. `resume`: the same execution, picked up
 * from the store (nothing is recorded for them; `phase` is the execution's recorded phase).
 * `recover`: an earlier execution's nodes, recorded here as RECOVERED with their outputs.
 */
export type PriorNodes =
  | { readonly mode: "resume"; readonly outputs: ReadonlyMap<string, LiteralMap>; readonly phase: WorkflowExecutionPhase }
  | { readonly mode: "recover"; readonly outputs: ReadonlyMap<string, LiteralMap> };

/** Runs one execution of a prepared graph; `start` resolves with its result. */
export class ExecutionRun implements NodeRuntime {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly services: NodeServices | undefined;

  readonly #graph: ExecutionGraph;
  readonly #recorder: EventRecorder;
  readonly #controller = new AbortController();
  readonly #requestSignal: AbortSignal | undefined;
  readonly #maxParallelism: number;
  readonly #pending: Int32Array;
  readonly #state: Uint8Array;
  readonly #outputs: (LiteralMap | undefined)[];
  readonly #active: (ActiveNode | undefined)[];
  /** 1 for nodes with a skipped upstream node: they are skipped instead of started. */
  readonly #skippedUpstream: Uint8Array;
  readonly #outcome = Promise.withResolvers<ExecutionResult>();
  readonly #outputsOf = (nodeId: string): LiteralMap | undefined => {
    const index = this.#graph.indexOf.get(nodeId);
    return index === undefined ? undefined : this.#outputs[index];
  };
  readonly #onRequestAbort = (): void => this.#terminate();
  readonly #prior: PriorNodes | undefined;

  /** Queued node indices; `#readyHead` is the next to start. */
  #ready: number[] = [];
  #readyHead = 0;
  #running = 0;
  /** Nodes (the end node included) that have not succeeded yet. */
  #remaining: number;
  #draining = false;
  /** No node starts or completes any more. */
  #finished = false;
  /** The terminal workflow event is out: nothing more is recorded. */
  #closed = false;
  /** The first node failure, kept while FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets others finish. */
  #failure: { readonly error: ExecutionError; readonly phase: NodeFailurePhase } | undefined;
  /** The workflow's failure node, once the workflow failed and it was started (failure-node.ts). */
  #failureNode: { readonly active: ActiveNode; ended: boolean } | undefined;

  constructor(graph: ExecutionGraph, options: RunOptions) {
    this.executionId = options.executionId;
    this.runner = options.runner;
    this.clock = options.clock;
    this.signal = this.#controller.signal;
    this.services = options.services;
    this.#graph = graph;
    this.#requestSignal = options.signal;
    this.#maxParallelism = options.maxParallelism;
    this.#prior = options.prior;
    this.#recorder = new EventRecorder(options.store, options.events, (error) => this.#crash(error));
    const size = graph.ids.length;
    this.#pending = graph.upstreamCounts.slice();
    this.#state = new Uint8Array(size);
    this.#outputs = new Array<LiteralMap | undefined>(size);
    this.#active = new Array<ActiveNode | undefined>(size);
    this.#skippedUpstream = new Uint8Array(size);
    this.#outputs[START_INDEX] = options.inputs;
    this.#state[START_INDEX] = DONE;
    this.#remaining = size - 1;
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
    const pending = this.#pending;
    // Nodes with no upstream at all (hand-written closures) are ready at once.
    for (let i = 0; i < pending.length; i++) {
      if (i !== START_INDEX && pending[i] === 0) this.#enqueue(i);
    }
    this.#release(START_INDEX);
    this.#drain();
    return this.#outcome.promise;
  }

  nodeId(index: number): string {
    return this.#graph.ids[index] as string;
  }

  emit(event: ExecutionEvent): void {
    if (!this.#closed) this.#recorder.emit(event);
  }

  succeed(index: number, outputs: LiteralMap, details?: NodeEventDetails): void {
    if (this.#finished || this.#state[index] !== RUNNING) return;
    this.#state[index] = DONE;
    this.#running--;
    this.#remaining--;
    this.#outputs[index] = outputs;
    this.#active[index] = undefined;
    this.#emitNode(index, "SUCCEEDED", undefined, outputs, undefined, details?.cacheStatus);
    this.#release(index);
    this.#drain();
  }

  fail(index: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails): void {
    if (this.#finished || this.#state[index] !== RUNNING) return;
    this.#state[index] = DONE;
    this.#running--;
    this.#active[index] = undefined;
    this.#emitNode(index, phase, undefined, undefined, error, details?.cacheStatus);
    this.#nodeFailed(index, error, phase);
    this.#drain();
  }

  skip(index: number): void {
    if (this.#finished || this.#state[index] !== RUNNING) return;
    this.#running--;
    this.#active[index] = undefined;
    this.#skipFrom(index);
    this.#drain();
  }

  outputsOf(nodeId: string): LiteralMap | undefined {
    return this.#outputsOf(nodeId);
  }

  /**
   * Counts a completion on each successor; queues those whose upstream nodes all finished, or
   * skips them when one of those was skipped (as Flyte does: a skipped node's outputs never exist).
   */
  #release(index: number): void {
    const pending = this.#pending;
    for (const next of this.#graph.downstream[index] as readonly number[]) {
      const left = (pending[next] as number) - 1;
      pending[next] = left;
      if (left !== 0) continue;
      if (this.#skippedUpstream[next] === 1 && next !== END_INDEX) this.#skipFrom(next);
      else this.#enqueue(next);
    }
  }

  /** Ends `index` SKIPPED and marks its successors; a loop, so long skipped chains never recurse. */
  #skipFrom(first: number): void {
    const stack = [first];
    const pending = this.#pending;
    while (stack.length > 0) {
      const index = stack.pop() as number;
      this.#state[index] = DONE;
      this.#remaining--;
      this.#emitNode(index, "SKIPPED");
      for (const next of this.#graph.downstream[index] as readonly number[]) {
        this.#skippedUpstream[next] = 1;
        const left = (pending[next] as number) - 1;
        pending[next] = left;
        if (left !== 0) continue;
        if (next === END_INDEX) this.#enqueue(next);
        else stack.push(next);
      }
    }
  }

  #enqueue(index: number): void {
    this.#state[index] = QUEUED;
    const resumedDone = this.#prior?.mode === "resume" && this.#prior.outputs.has(this.nodeId(index));
    if (index !== END_INDEX && !resumedDone) this.#emitNode(index, "QUEUED");
    this.#ready.push(index);
  }

  /** Starts queued nodes while slots are free; re-entrant calls return at once. */
  #drain(): void {
    if (this.#draining || this.#finished) return;
    this.#draining = true;
    try {
      const ready = this.#ready;
      const limit = this.#maxParallelism;
      while (!this.#finished && this.#readyHead < ready.length) {
        const index = ready[this.#readyHead] as number;
        const prepared = this.#graph.prepared[index];
        if (limit > 0 && this.#running >= limit && prepared?.countsTowardParallelism === true) break;
        this.#readyHead++;
        if (prepared === undefined) this.#completeEnd();
        else this.#startNode(index, prepared);
      }
      if (this.#readyHead === ready.length) {
        ready.length = 0;
        this.#readyHead = 0;
      }
    } catch (error) {
      this.#crash(error);
    } finally {
      this.#draining = false;
    }
    this.#checkCompletion();
  }

  #startNode(index: number, prepared: PreparedNode): void {
    const reused = this.#prior?.outputs.get(this.nodeId(index));
    if (reused !== undefined) {
      // Succeeded before (resume) or in the recovered execution: keep the outputs, run nothing.
      this.#state[index] = DONE;
      this.#remaining--;
      this.#outputs[index] = reused;
      if (this.#prior?.mode === "recover") this.#emitNode(index, "RECOVERED", undefined, reused);
      this.#release(index);
      return;
    }
    let inputs: LiteralMap;
    try {
      inputs = resolveBindings(this.#graph.bindings[index] as readonly Binding[], this.#outputsOf);
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      const failure = nodeError(
        engineErrorCodes.bindingResolution,
        "SYSTEM",
        `Could not build the inputs of node "${this.nodeId(index)}": ${error.message}`,
        this.nodeId(index),
        prepared.taskName,
      );
      this.#state[index] = DONE;
      this.#emitNode(index, "FAILED", undefined, undefined, failure);
      this.#nodeFailed(index, failure, "FAILED");
      return;
    }
    this.#state[index] = RUNNING;
    this.#running++;
    this.#emitNode(index, "RUNNING", inputs);
    const active = prepared.start(this, index, inputs);
    // The handler may have ended the node synchronously; only keep it if it still runs.
    if (this.#state[index] === RUNNING) this.#active[index] = active;
  }

  /** The end node: its inputs are the execution outputs. */
  #completeEnd(): void {
    try {
      this.#outputs[END_INDEX] = resolveBindings(this.#graph.bindings[END_INDEX] as readonly Binding[], this.#outputsOf);
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      const failure = nodeError(
        engineErrorCodes.bindingResolution,
        "SYSTEM",
        `Could not build the workflow outputs: ${error.message}`,
        this.nodeId(END_INDEX),
      );
      this.#nodeFailed(END_INDEX, failure, "FAILED");
      return;
    }
    this.#state[END_INDEX] = DONE;
    this.#remaining--;
  }

  #nodeFailed(index: number, error: ExecutionError, phase: NodeFailurePhase): void {
    if (this.#failure !== undefined) return;
    const prepared = this.#graph.prepared[index];
    const subject = prepared?.taskName === undefined
      ? `Node "${this.nodeId(index)}"`
      : `Node "${this.nodeId(index)}" (task "${prepared.taskName}")`;
    const executionError: ExecutionError = { ...error, message: `${subject} failed: ${error.message}` };
    this.#failure = { error: executionError, phase };
    if (this.#graph.failurePolicy === "FAIL_IMMEDIATELY") {
      this.#finish(phase, executionError);
    } else {
      // Nodes downstream of the failure never reach a zero counter; the others keep running.
      this.#emitWorkflow("FAILING", undefined, executionError);
    }
  }

  #checkCompletion(): void {
    if (this.#finished || this.#running > 0 || this.#readyHead < this.#ready.length) return;
    if (this.#failure !== undefined) {
      this.#finish(this.#failure.phase, this.#failure.error);
    } else if (this.#remaining === 0) {
      this.#finish("SUCCEEDED", undefined, this.#outputs[END_INDEX]);
    } else {
      // Unreachable after the graph's cycle check; kept so a bug cannot hang an execution.
      const waiting = this.#graph.ids.filter((_, i) => this.#state[i] === NOT_STARTED).slice(0, 10);
      this.#finish("FAILED", {
        code: engineErrorCodes.invalidClosure,
        kind: "SYSTEM",
        message: `The execution stalled: nodes ${waiting.map((id) => `"${id}"`).join(", ")} can never start.`,
      });
    }
  }

  #terminate(): void {
    if (this.#finished) return;
    const reason: unknown = this.#requestSignal?.reason;
    const because = reason === undefined ? "" : `: ${describeThrown(reason)}`;
    this.#finish("ABORTED", {
      code: engineErrorCodes.aborted,
      kind: "USER",
      message: `Execution "${this.executionId}" was terminated${because}.`,
    });
  }

  /** Ends the execution: aborts whatever still runs, records the terminal phase, settles the result. */
  #finish(phase: WorkflowExecutionPhase, error?: ExecutionError, outputs?: LiteralMap): void {
    if (this.#finished) return;
    if ((phase === "FAILED" || phase === "TIMED_OUT") && this.#startFailureNode(phase, error as ExecutionError)) return;
    this.#finished = true;
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
    this.#ready.length = 0;
    this.#readyHead = 0;
    if (this.#graph.failurePolicy === "FAIL_IMMEDIATELY") this.#emitWorkflow("FAILING", undefined, error);
    const handle: { active: ActiveNode; ended: boolean } = { active: { abort: () => undefined }, ended: false };
    this.#failureNode = handle;
    handle.active = runFailureNode(plan, this, this.#outputs[START_INDEX] as LiteralMap, error, () => {
      handle.ended = true;
      this.#finish(phase, error);
    });
    // Either it still runs, or it ended synchronously and the execution has already finished.
    return true;
  }

  /** Once, at the end: running and queued nodes become ABORTED (never-started nodes stay unrecorded). */
  #abortUnfinished(): void {
    this.#controller.abort(new DOMException("The execution ended.", "AbortError"));
    const state = this.#state;
    for (let i = 0; i < state.length; i++) {
      const s = state[i];
      if (s !== RUNNING && s !== QUEUED) continue;
      this.#active[i]?.abort();
      this.#active[i] = undefined;
      state[i] = DONE;
      if (i === END_INDEX) continue;
      this.#emitNode(i, "ABORTED", undefined, undefined, nodeError(
        engineErrorCodes.nodeAborted,
        "SYSTEM",
        `Node "${this.nodeId(i)}" was aborted because the execution ended.`,
        this.nodeId(i),
        this.#graph.prepared[i]?.taskName,
      ));
    }
  }

  /** The store or the sink failed, or the engine has a bug: stop everything and reject. */
  #crash(error: unknown): void {
    if (!this.#finished) {
      this.#finished = true;
      this.#requestSignal?.removeEventListener("abort", this.#onRequestAbort);
      this.#abortUnfinished();
    }
    this.#closed = true;
    this.#outcome.reject(error);
  }

  #emitWorkflow(phase: WorkflowExecutionPhase, outputs?: LiteralMap, error?: ExecutionError): void {
    if (this.#closed) return;
    const base = { kind: "workflow", executionId: this.executionId, phase, occurredAt: this.clock.now() } as const;
    const event: WorkflowExecutionEvent =
      outputs !== undefined ? { ...base, outputs } : error !== undefined ? { ...base, error } : base;
    this.#recorder.emit(event);
  }

  #emitNode(
    index: number,
    phase: NodeExecutionPhase,
    inputs?: LiteralMap,
    outputs?: LiteralMap,
    error?: ExecutionError,
    cacheStatus?: CacheStatus,
  ): void {
    if (this.#closed) return;
    const occurredAt = this.clock.now();
    const nodeId = this.#graph.ids[index] as string;
    if (cacheStatus !== undefined) {
      this.#recorder.emit({
        kind: "node", executionId: this.executionId, nodeId, phase, occurredAt, cacheStatus,
        ...(outputs === undefined ? {} : { outputs }),
        ...(error === undefined ? {} : { error }),
      });
      return;
    }
    // Distinct literal shapes per case keep optional fields absent (exactOptionalPropertyTypes).
    this.#recorder.emit(
      inputs !== undefined
        ? { kind: "node", executionId: this.executionId, nodeId, phase, occurredAt, inputs }
        : outputs !== undefined
          ? { kind: "node", executionId: this.executionId, nodeId, phase, occurredAt, outputs }
          : error !== undefined
            ? { kind: "node", executionId: this.executionId, nodeId, phase, occurredAt, error }
            : { kind: "node", executionId: this.executionId, nodeId, phase, occurredAt },
    );
  }
}
