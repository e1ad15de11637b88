/**
 * The contract between a graph's scheduler (graph-scheduler.ts) and what embeds its graph (the execution, or a
 * node holding a nested graph): the options that set a scheduler up, and the host's hooks for
 * what differs between levels — where events go, how the graph's end is reported, and the
 * wording of the errors the scheduler makes.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Clock } from "../runtime/clock.ts";
import type { ExecutionError } from "../runtime/errors.ts";
import type { ExecutionEvent } from "../runtime/events.ts";
import type { WorkflowExecutionPhase } from "../runtime/phases.ts";
import type { TaskRunner } from "../runtime/task-runner.ts";
import type { NodeFailurePhase, NodeServices } from "./nodes/node-handler.ts";

/**
 * Outputs of nodes that do not run again, by node id. `resume`: the same execution, picked up
 * from the store (nothing is recorded for them; `phase` is the execution's recorded phase).
 * `recover`: an earlier execution's nodes, recorded here as RECOVERED with their outputs.
 */
export type PriorNodes =
  | { readonly mode: "resume"; readonly outputs: ReadonlyMap<string, LiteralMap>; readonly phase: WorkflowExecutionPhase }
  | { readonly mode: "recover"; readonly outputs: ReadonlyMap<string, LiteralMap> };

/** How a graph ended, as the scheduler reports it to its host. */
export type GraphEnd =
  | { readonly phase: "SUCCEEDED"; readonly outputs: LiteralMap }
  | { readonly phase: NodeFailurePhase; readonly error: ExecutionError };

/** What embeds a graph: the execution itself, or a node holding a nested graph. */
export interface GraphHost {
  /** Whether events are still recorded; node events are not even built once it is false. */
  readonly recording: boolean;
  /** Records an event of the graph or of one of its nodes. */
  emit(event: ExecutionEvent): void;
  /** The first node failure, when the failure policy lets the other nodes finish. */
  failing(error: ExecutionError): void;
  /**
   * The graph has ended: every node finished, the first failure under FAIL_IMMEDIATELY, or a
   * stall. The host stops the scheduler (`stop`, `abortUnfinished`) unless it still waits.
   */
  ended(end: GraphEnd): void;
  /** The store, the sink or a handler threw: the host decides (stop and reject, or rethrow). */
  crash(error: unknown): void;
  /** The error recorded on a running or queued node aborted because the graph ended. */
  abortedNodeError(nodeId: string, taskName: string | undefined): ExecutionError;
  /** The failure when the end node's bindings (the graph's outputs) cannot be resolved. */
  outputsError(detail: string): ExecutionError;
  /** The failure when nodes can never start (unreachable after the graph's cycle check). */
  stalledError(waiting: readonly string[]): ExecutionError;
}

/** What a scheduler needs besides the graph and its host. */
export interface SchedulerOptions {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  /** Given to the graph's nodes; the host aborts it when the graph ends early. */
  readonly signal: AbortSignal;
  readonly services: NodeServices | undefined;
  /** Prepended to the graph's local ids in events (`""` at the top level). */
  readonly prefix: string;
  /** The graph's inputs: the outputs of its start node. */
  readonly inputs: LiteralMap;
  /** Most nodes that count toward parallelism running at once; 0 for no limit. */
  readonly maxParallelism: number;
  /** Nodes that already succeeded (resume) or succeeded in a recovered execution. */
  readonly prior: PriorNodes | undefined;
}
