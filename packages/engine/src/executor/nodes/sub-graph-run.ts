/**
 * A graph run inside one node: the nodes of a sub-workflow, scheduled like the execution's own
 * (upstream counters, a ready queue, the sub-workflow's failure policy, skips) but reporting
 * through the enclosing runtime. Events carry qualified node ids (`<prefix><local id>`, e.g.
 * `n1-0-n0`); bindings resolve against the graph's own nodes, whose `start-node` outputs are the
 * enclosing node's inputs; the end node's inputs become the enclosing node's outputs.
 *
 * Inner nodes are not limited by the execution's `maxParallelism` (the enclosing node does not
 * hold a slot either): a deliberate simplification, see ARCHITECTURE.md.
 */
import type { Binding, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Clock } from "../../runtime/clock.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import type { NodeExecutionPhase } from "../../runtime/phases.ts";
import type { TaskRunner } from "../../runtime/task-runner.ts";
import { BindingResolutionError } from "../binding-resolution-error.ts";
import { resolveBindings } from "../bindings.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import { END_INDEX, START_INDEX, type ExecutionGraph } from "../execution-graph.ts";
import type { ActiveNode, NodeEventDetails, NodeFailurePhase, NodeRuntime, NodeServices, PreparedNode } from "./node-handler.ts";

const NOT_STARTED = 0;
const QUEUED = 1;
const RUNNING = 2;
const DONE = 3;

/** How a nested run ends the node that holds it. */
export interface SubGraphOutcome {
  succeed(outputs: LiteralMap): void;
  fail(error: ExecutionError, phase: NodeFailurePhase): void;
}

/**
 * Runs `graph` inside a node of `parent`. Reusable by any node kind that embeds a workflow
 * (sub-workflows today; dynamic workflows can run their compiled closure the same way).
 *
 * @example
 * const run = new SubGraphRun(graph, runtime, `${runtime.nodeId(index)}-0-`, inputs, {
 *   succeed: (outputs) => runtime.succeed(index, outputs),
 *   fail: (error, phase) => runtime.fail(index, error, phase),
 * });
 * run.start();
 */
export class SubGraphRun implements NodeRuntime, ActiveNode {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly services: NodeServices | undefined;

  readonly #parent: NodeRuntime;
  readonly #graph: ExecutionGraph;
  readonly #prefix: string;
  readonly #outcome: SubGraphOutcome;
  readonly #controller = new AbortController();
  readonly #onParentAbort = (): void => this.#controller.abort(this.#parent.signal.reason);
  readonly #pending: Int32Array;
  readonly #state: Uint8Array;
  readonly #skippedUpstream: Uint8Array;
  readonly #outputs: (LiteralMap | undefined)[];
  readonly #active: (ActiveNode | undefined)[];
  readonly #lookup = (nodeId: string): LiteralMap | undefined => this.outputsOf(nodeId);
  #ready: number[] = [];
  #readyHead = 0;
  #running = 0;
  #remaining: number;
  #draining = false;
  #finished = false;
  #failure: { readonly error: ExecutionError; readonly phase: NodeFailurePhase } | undefined;

  constructor(graph: ExecutionGraph, parent: NodeRuntime, prefix: string, inputs: LiteralMap, outcome: SubGraphOutcome) {
    this.executionId = parent.executionId;
    this.runner = parent.runner;
    this.clock = parent.clock;
    this.signal = this.#controller.signal;
    this.services = parent.services;
    this.#parent = parent;
    this.#graph = graph;
    this.#prefix = prefix;
    this.#outcome = outcome;
    const size = graph.ids.length;
    this.#pending = graph.upstreamCounts.slice();
    this.#state = new Uint8Array(size);
    this.#skippedUpstream = new Uint8Array(size);
    this.#outputs = new Array<LiteralMap | undefined>(size);
    this.#active = new Array<ActiveNode | undefined>(size);
    this.#outputs[START_INDEX] = inputs;
    this.#state[START_INDEX] = DONE;
    this.#remaining = size - 1;
  }

  /** Starts the graph's first nodes; the outcome is reported later (or synchronously on failure). */
  start(): void {
    if (this.#parent.signal.aborted) this.#controller.abort(this.#parent.signal.reason);
    else this.#parent.signal.addEventListener("abort", this.#onParentAbort, { once: true });
    for (let i = 0; i < this.#pending.length; i++) {
      if (i !== START_INDEX && this.#pending[i] === 0) this.#enqueue(i);
    }
    this.#release(START_INDEX);
    this.#drain();
  }

  nodeId(index: number): string {
    return this.#prefix + (this.#graph.ids[index] as string);
  }

  emit(event: ExecutionEvent): void {
    this.#parent.emit(event);
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
    this.#emitNode(index, "SUCCEEDED", { ...details, outputs });
    this.#release(index);
    this.#drain();
  }

  fail(index: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails): void {
    if (this.#finished || this.#state[index] !== RUNNING) return;
    this.#state[index] = DONE;
    this.#running--;
    this.#active[index] = undefined;
    this.#emitNode(index, phase, { ...details, error });
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

  /** The enclosing node is stopped: abort inner nodes, record them ABORTED, report nothing. */
  abort(): void {
    if (this.#finished) return;
    this.#end();
  }

  #release(index: number): void {
    for (const next of this.#graph.downstream[index] as readonly number[]) {
      const left = (this.#pending[next] as number) - 1;
      this.#pending[next] = left;
      if (left !== 0) continue;
      if (this.#skippedUpstream[next] === 1 && next !== END_INDEX) this.#skipFrom(next);
      else this.#enqueue(next);
    }
  }

  #skipFrom(first: number): void {
    const stack = [first];
    while (stack.length > 0) {
      const index = stack.pop() as number;
      this.#state[index] = DONE;
      this.#remaining--;
      this.#emitNode(index, "SKIPPED", {});
      for (const next of this.#graph.downstream[index] as readonly number[]) {
        this.#skippedUpstream[next] = 1;
        const left = (this.#pending[next] as number) - 1;
        this.#pending[next] = left;
        if (left !== 0) continue;
        if (next === END_INDEX) this.#enqueue(next);
        else stack.push(next);
      }
    }
  }

  #enqueue(index: number): void {
    this.#state[index] = QUEUED;
    if (index !== END_INDEX) this.#emitNode(index, "QUEUED", {});
    this.#ready.push(index);
  }

  #drain(): void {
    if (this.#draining || this.#finished) return;
    this.#draining = true;
    try {
      while (!this.#finished && this.#readyHead < this.#ready.length) {
        const index = this.#ready[this.#readyHead++] as number;
        const prepared = this.#graph.prepared[index];
        if (prepared === undefined) this.#completeEnd();
        else this.#startNode(index, prepared);
      }
      if (this.#readyHead === this.#ready.length) {
        this.#ready.length = 0;
        this.#readyHead = 0;
      }
    } finally {
      this.#draining = false;
    }
    this.#checkCompletion();
  }

  #startNode(index: number, prepared: PreparedNode): void {
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
      this.#emitNode(index, "FAILED", { error: failure });
      this.#nodeFailed(index, failure, "FAILED");
      return;
    }
    this.#state[index] = RUNNING;
    this.#running++;
    this.#emitNode(index, "RUNNING", { inputs });
    const active = prepared.start(this, index, inputs);
    if (this.#state[index] === RUNNING) this.#active[index] = active;
  }

  #completeEnd(): void {
    try {
      this.#outputs[END_INDEX] = resolveBindings(this.#graph.bindings[END_INDEX] as readonly Binding[], this.#lookup);
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      const id = this.#prefix.replace(/-\d+-$/, "");
      this.#nodeFailed(
        END_INDEX,
        nodeError(engineErrorCodes.bindingResolution, "SYSTEM", `Could not build the sub-workflow's outputs: ${error.message}`, id),
        "FAILED",
      );
      return;
    }
    this.#state[END_INDEX] = DONE;
    this.#remaining--;
  }

  #nodeFailed(index: number, error: ExecutionError, phase: NodeFailurePhase): void {
    if (this.#failure !== undefined) return;
    const taskName = this.#graph.prepared[index]?.taskName;
    const subject = taskName === undefined ? `Node "${this.nodeId(index)}"` : `Node "${this.nodeId(index)}" (task "${taskName}")`;
    // Keep the innermost node id: it is where the failure happened.
    this.#failure = { error: { ...error, message: `${subject} failed: ${error.message}` }, phase };
    if (this.#graph.failurePolicy === "FAIL_IMMEDIATELY") this.#finishFailed();
  }

  #checkCompletion(): void {
    if (this.#finished || this.#running > 0 || this.#readyHead < this.#ready.length) return;
    if (this.#failure !== undefined) {
      this.#finishFailed();
    } else if (this.#remaining === 0) {
      this.#end();
      this.#outcome.succeed(this.#outputs[END_INDEX] as LiteralMap);
    } else {
      const waiting = this.#graph.ids.filter((_, i) => this.#state[i] === NOT_STARTED).slice(0, 10);
      this.#end();
      this.#outcome.fail(
        {
          code: engineErrorCodes.invalidClosure,
          kind: "SYSTEM",
          message: `The sub-workflow stalled: nodes ${waiting.map((id) => `"${this.#prefix}${id}"`).join(", ")} can never start.`,
        },
        "FAILED",
      );
    }
  }

  #finishFailed(): void {
    const failure = this.#failure;
    if (this.#finished || failure === undefined) return;
    this.#end();
    this.#outcome.fail(failure.error, failure.phase);
  }

  /** Stops everything still running or queued and records it ABORTED. */
  #end(): void {
    this.#finished = true;
    this.#parent.signal.removeEventListener("abort", this.#onParentAbort);
    this.#controller.abort(new DOMException("The sub-workflow ended.", "AbortError"));
    for (let i = 0; i < this.#state.length; i++) {
      const s = this.#state[i];
      if (s !== RUNNING && s !== QUEUED) continue;
      this.#active[i]?.abort();
      this.#active[i] = undefined;
      this.#state[i] = DONE;
      if (i === END_INDEX) continue;
      const id = this.nodeId(i);
      this.#emitNode(i, "ABORTED", {
        error: nodeError(engineErrorCodes.nodeAborted, "SYSTEM", `Node "${id}" was aborted because its sub-workflow ended.`, id),
      });
    }
  }

  #emitNode(
    index: number,
    phase: NodeExecutionPhase,
    extra: NodeEventDetails & { readonly inputs?: LiteralMap; readonly outputs?: LiteralMap; readonly error?: ExecutionError },
  ): void {
    this.#parent.emit({
      kind: "node",
      executionId: this.executionId,
      nodeId: this.nodeId(index),
      phase,
      occurredAt: this.clock.now(),
      ...extra,
    });
  }
}
