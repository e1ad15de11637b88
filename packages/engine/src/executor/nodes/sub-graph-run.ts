/**
 * A graph run inside one node: the nodes of a sub-workflow, of a dynamic spec or of an eager
 * call, scheduled by the same {@link GraphScheduler} as the execution's own graph (upstream
 * counters, a ready queue, the inner graph's failure policy, skips) but reporting through the
 * enclosing runtime. Events carry qualified node ids (`<prefix><local id>`, e.g. `n1-0-n0`);
 * bindings resolve against the graph's own nodes, whose `start-node` outputs are the enclosing
 * node's inputs; the end node's inputs become the enclosing node's outputs.
 *
 * Inner nodes are not limited by the execution's `maxParallelism` (the enclosing node does not
 * hold a slot either): a deliberate simplification, see ARCHITECTURE.md. Nested graphs never
 * reuse prior nodes (resume and recover apply to the top level).
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import type { ExecutionGraph } from "../execution-graph.ts";
import type { GraphEnd, GraphHost } from "../graph-host.ts";
import { GraphScheduler } from "../graph-scheduler.ts";
import type { ActiveNode, NodeFailurePhase, NodeRuntime } from "./node-handler.ts";

/** How a nested run ends the node that holds it. */
export interface SubGraphOutcome {
  succeed(outputs: LiteralMap): void;
  fail(error: ExecutionError, phase: NodeFailurePhase): void;
}

/**
 * Runs `graph` inside a node of `parent`: sub-workflows, dynamic workflows, eager calls. It is
 * the host of the inner {@link GraphScheduler}: the `GraphHost` members are for the scheduler only.
 *
 * @example
 * const run = new SubGraphRun(graph, runtime, `${runtime.nodeId(index)}-0-`, inputs, {
 *   succeed: (outputs) => runtime.succeed(index, outputs),
 *   fail: (error, phase) => runtime.fail(index, error, phase),
 * });
 * run.start();
 */
export class SubGraphRun implements GraphHost, ActiveNode {
  /** Events go to the parent, which drops them once its execution has ended. */
  readonly recording = true;

  readonly #parent: NodeRuntime;
  readonly #prefix: string;
  readonly #outcome: SubGraphOutcome;
  readonly #scheduler: GraphScheduler;
  readonly #controller = new AbortController();
  readonly #onParentAbort = (): void => this.#controller.abort(this.#parent.signal.reason);

  constructor(graph: ExecutionGraph, parent: NodeRuntime, prefix: string, inputs: LiteralMap, outcome: SubGraphOutcome) {
    this.#parent = parent;
    this.#prefix = prefix;
    this.#outcome = outcome;
    this.#scheduler = new GraphScheduler(graph, this, {
      executionId: parent.executionId,
      runner: parent.runner,
      clock: parent.clock,
      signal: this.#controller.signal,
      services: parent.services,
      prefix,
      inputs,
      maxParallelism: 0,
      prior: undefined,
    });
  }

  /** Starts the graph's first nodes; the outcome is reported later (or synchronously on failure). */
  start(): void {
    if (this.#parent.signal.aborted) this.#controller.abort(this.#parent.signal.reason);
    else this.#parent.signal.addEventListener("abort", this.#onParentAbort, { once: true });
    this.#scheduler.start();
  }

  /** The enclosing node is stopped: abort inner nodes, record them ABORTED, report nothing. */
  abort(): void {
    if (this.#scheduler.finished) return;
    this.#end();
  }

  emit(event: ExecutionEvent): void {
    this.#parent.emit(event);
  }

  /** A nested graph keeps running its other nodes; the failure is reported when it ends. */
  failing(): void {}

  ended(end: GraphEnd): void {
    if (this.#scheduler.finished) return;
    this.#end();
    if (end.phase === "SUCCEEDED") this.#outcome.succeed(end.outputs);
    else this.#outcome.fail(end.error, end.phase);
  }

  /** Engine bugs surface in the enclosing run, which records the crash. */
  crash(error: unknown): never {
    throw error;
  }

  abortedNodeError(nodeId: string): ExecutionError {
    return nodeError(engineErrorCodes.nodeAborted, "SYSTEM", `Node "${nodeId}" was aborted because its sub-workflow ended.`, nodeId);
  }

  outputsError(detail: string): ExecutionError {
    const id = this.#prefix.replace(/-\d+-$/, "");
    return nodeError(engineErrorCodes.bindingResolution, "SYSTEM", `Could not build the sub-workflow's outputs: ${detail}`, id);
  }

  stalledError(waiting: readonly string[]): ExecutionError {
    return {
      code: engineErrorCodes.invalidClosure,
      kind: "SYSTEM",
      message: `The sub-workflow stalled: nodes ${waiting.map((id) => `"${id}"`).join(", ")} can never start.`,
    };
  }

  /** Stops everything still running or queued and records it ABORTED. */
  #end(): void {
    this.#scheduler.stop();
    this.#parent.signal.removeEventListener("abort", this.#onParentAbort);
    this.#controller.abort(new DOMException("The sub-workflow ended.", "AbortError"));
    this.#scheduler.abortUnfinished();
  }
}
