/**
 * The event-driven scheduler of one graph, used for the execution's top level (execution-run.ts)
 * and for every nested graph (nodes/sub-graph-run.ts: sub-workflows, dynamic specs, eager calls).
 * Each node keeps a counter of upstream nodes still to succeed; a completion decrements its
 * successors' counters and queues those that reach zero; a loop (never recursion) starts queued
 * nodes while parallelism allows. Work per node is constant: no rescans, no timers, no per-node
 * closures beyond the handler's own.
 *
 * What differs between the levels comes from the host (graph-host.ts): where events go, how the
 * graph's end is reported, the wording of the errors it makes; and from the options: the id
 * prefix, the parallelism limit, the nodes a resumed or recovered execution reuses.
 */
import type { Binding, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CacheStatus } from "../runtime/catalog.ts";
import type { Clock } from "../runtime/clock.ts";
import type { ExecutionError } from "../runtime/errors.ts";
import type { ExecutionEvent } from "../runtime/events.ts";
import type { NodeExecutionPhase } from "../runtime/phases.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import { BindingResolutionError } from "./binding-resolution-error.ts";
import { resolveBindings } from "./bindings.ts";
import { engineErrorCodes, nodeError } from "./execution-errors.ts";
import { END_INDEX, START_INDEX, type ExecutionGraph } from "./execution-graph.ts";
import type { GraphHost, PriorNodes, SchedulerOptions } from "./graph-host.ts";
import type { ActiveNode, NodeEventDetails, NodeFailurePhase, NodeRuntime, NodeServices, PreparedNode } from "./nodes/node-handler.ts";

// Node states, as small integers in a typed array (one byte per node).
const NOT_STARTED = 0;
const QUEUED = 1;
const RUNNING = 2;
const DONE = 3;

/** Schedules the nodes of one graph; the nodes see it as their {@link NodeRuntime}. */
export class GraphScheduler implements NodeRuntime {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly services: NodeServices | undefined;

  readonly #graph: ExecutionGraph;
  readonly #host: GraphHost;
  readonly #prefix: string;
  readonly #maxParallelism: number;
  readonly #prior: PriorNodes | undefined;
  readonly #pending: Int32Array;
  readonly #state: Uint8Array;
  readonly #outputs: (LiteralMap | undefined)[];
  readonly #active: (ActiveNode | undefined)[];
  /** 1 for nodes with a skipped upstream node: they are skipped instead of started. */
  readonly #skippedUpstream: Uint8Array;
  readonly #lookup = (nodeId: string): LiteralMap | undefined => this.outputsOf(nodeId);

  /** Queued node indices; `#readyHead` is the next to start. */
  #ready: number[] = [];
  #readyHead = 0;
  #running = 0;
  /** Nodes (the end node included) that have not succeeded yet. */
  #remaining: number;
  #draining = false;
  /** No node starts or completes any more. */
  #finished = false;
  /** The first node failure, kept while FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets others finish. */
  #failure: { readonly error: ExecutionError; readonly phase: NodeFailurePhase } | undefined;

  constructor(graph: ExecutionGraph, host: GraphHost, options: SchedulerOptions) {
    this.executionId = options.executionId;
    this.runner = options.runner;
    this.clock = options.clock;
    this.signal = options.signal;
    this.services = options.services;
    this.#graph = graph;
    this.#host = host;
    this.#prefix = options.prefix;
    this.#maxParallelism = options.maxParallelism;
    this.#prior = options.prior;
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

  /** The graph's inputs (its start node's outputs). */
  get inputs(): LiteralMap {
    return this.#outputs[START_INDEX] as LiteralMap;
  }

  /** Whether the scheduler was stopped. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Queues the first nodes and starts them; the end is reported through the host. */
  start(): void {
    const pending = this.#pending;
    // Nodes with no upstream at all (hand-written closures) are ready at once.
    for (let i = 0; i < pending.length; i++) {
      if (i !== START_INDEX && pending[i] === 0) this.#enqueue(i);
    }
    this.#release(START_INDEX);
    this.#drain();
  }

  /** No node starts or completes any more (the host ends the graph). */
  stop(): void {
    this.#finished = true;
  }

  /** Forgets queued nodes that have not started (a failure node takes over). */
  clearReady(): void {
    this.#ready.length = 0;
    this.#readyHead = 0;
  }

  /** Running and queued nodes become ABORTED (never-started nodes stay unrecorded). */
  abortUnfinished(): void {
    const state = this.#state;
    for (let i = 0; i < state.length; i++) {
      const s = state[i];
      if (s !== RUNNING && s !== QUEUED) continue;
      this.#active[i]?.abort();
      this.#active[i] = undefined;
      state[i] = DONE;
      if (i === END_INDEX) continue;
      this.#emitNode(i, "ABORTED", undefined, undefined, this.#host.abortedNodeError(this.nodeId(i), this.#graph.prepared[i]?.taskName));
    }
  }

  nodeId(index: number): string {
    return this.#prefix + (this.#graph.ids[index] as string);
  }

  emit(event: ExecutionEvent): void {
    this.#host.emit(event);
  }

  outputsOf(nodeId: string): LiteralMap | undefined {
    const index = this.#graph.indexOf.get(nodeId);
    return index === undefined ? undefined : this.#outputs[index];
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
    const prior = this.#prior;
    const resumedDone = prior?.mode === "resume" && prior.outputs.has(this.nodeId(index));
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
      this.#host.crash(error);
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
      inputs = resolveBindings(this.#graph.bindings[index] as readonly Binding[], this.#lookup);
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

  /** The end node: its inputs are the graph's outputs. */
  #completeEnd(): void {
    try {
      this.#outputs[END_INDEX] = resolveBindings(this.#graph.bindings[END_INDEX] as readonly Binding[], this.#lookup);
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      this.#nodeFailed(END_INDEX, this.#host.outputsError(error.message), "FAILED");
      return;
    }
    this.#state[END_INDEX] = DONE;
    this.#remaining--;
  }

  /** Keeps the first failure (named after the innermost node) and applies the failure policy. */
  #nodeFailed(index: number, error: ExecutionError, phase: NodeFailurePhase): void {
    if (this.#failure !== undefined) return;
    const taskName = this.#graph.prepared[index]?.taskName;
    const subject = taskName === undefined ? `Node "${this.nodeId(index)}"` : `Node "${this.nodeId(index)}" (task "${taskName}")`;
    const failure: ExecutionError = { ...error, message: `${subject} failed: ${error.message}` };
    this.#failure = { error: failure, phase };
    if (this.#graph.failurePolicy === "FAIL_IMMEDIATELY") {
      this.#host.ended({ phase, error: failure });
    } else {
      // Nodes downstream of the failure never reach a zero counter; the others keep running.
      this.#host.failing(failure);
    }
  }

  #checkCompletion(): void {
    if (this.#finished || this.#running > 0 || this.#readyHead < this.#ready.length) return;
    if (this.#failure !== undefined) {
      this.#host.ended(this.#failure);
    } else if (this.#remaining === 0) {
      this.#host.ended({ phase: "SUCCEEDED", outputs: this.#outputs[END_INDEX] as LiteralMap });
    } else {
      // Unreachable after the graph's cycle check; kept so a bug cannot hang an execution.
      const waiting: string[] = [];
      for (let i = 0; i < this.#state.length && waiting.length < 10; i++) {
        if (this.#state[i] === NOT_STARTED) waiting.push(this.nodeId(i));
      }
      this.#host.ended({ phase: "FAILED", error: this.#host.stalledError(waiting) });
    }
  }

  #emitNode(
    index: number,
    phase: NodeExecutionPhase,
    inputs?: LiteralMap,
    outputs?: LiteralMap,
    error?: ExecutionError,
    cacheStatus?: CacheStatus,
  ): void {
    const host = this.#host;
    if (!host.recording) return;
    const executionId = this.executionId;
    const occurredAt = this.clock.now();
    const nodeId = this.nodeId(index);
    if (cacheStatus !== undefined) {
      host.emit({
        kind: "node", executionId, nodeId, phase, occurredAt, cacheStatus,
        ...(outputs === undefined ? {} : { outputs }),
        ...(error === undefined ? {} : { error }),
      });
      return;
    }
    // Distinct literal shapes per case keep optional fields absent (exactOptionalPropertyTypes).
    host.emit(
      inputs !== undefined
        ? { kind: "node", executionId, nodeId, phase, occurredAt, inputs }
        : outputs !== undefined
          ? { kind: "node", executionId, nodeId, phase, occurredAt, outputs }
          : error !== undefined
            ? { kind: "node", executionId, nodeId, phase, occurredAt, error }
            : { kind: "node", executionId, nodeId, phase, occurredAt },
    );
  }
}
