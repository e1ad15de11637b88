import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ArrayItemRef, ExecutionEvent, NodeExecutionEvent, TaskExecutionEvent } from "../runtime/events.ts";
import { isTerminalWorkflowPhase } from "../runtime/terminal-phases.ts";
import {
  applyNodeEvent,
  applyTaskEvent,
  applyWorkflowEvent,
  newExecutionRecord,
  type Draft,
} from "./event-fold.ts";
import {
  applyArrayItemEvent,
  itemNodeStub,
  newArrayItems,
  startsFullItemRecord,
  summarizeArrayItems,
  type ArrayItemsDraft,
} from "./array-items.ts";
import type {
  ExecutionRecord,
  NewExecution,
  NodeExecutionRecord,
  StateStore,
  TaskExecutionRecord,
} from "./state-store.ts";
import { StoreError } from "./store-error.ts";

interface NodeEntry {
  readonly record: Draft<NodeExecutionRecord>;
  /** Indexed by attempt number. */
  readonly tasks: Draft<TaskExecutionRecord>[];
  /** Of an array node: its items' phases and attempts (typed arrays, 3 bytes per item). */
  items?: ArrayItemsDraft;
}

interface ExecutionEntry {
  readonly record: Draft<ExecutionRecord>;
  /** Insertion-ordered, so listing returns nodes in the order they were first recorded. */
  readonly nodes: Map<string, NodeEntry>;
}

/**
 * Keeps executions in memory; used by local runs and as the reference for the store
 * conformance suite. Every method answers synchronously (no promise on the hot path) and throws
 * {@link StoreError} where a durable store would reject. Reads return copies.
 *
 * Map items cost 3 bytes each (the array node's `arrayItems`); only items that saw a failure
 * get node and attempt records (see {@link StateStore}).
 *
 * @example
 * const engine = new Engine({ runner, store: new MemoryStore() });
 */
export class MemoryStore implements StateStore {
  readonly #executions = new Map<string, ExecutionEntry>();

  createExecution(execution: NewExecution): void {
    if (this.#executions.has(execution.executionId)) {
      throw new StoreError(
        "E_EXECUTION_EXISTS",
        `Execution "${execution.executionId}" already exists; choose another execution id.`,
      );
    }
    this.#executions.set(execution.executionId, {
      record: newExecutionRecord(execution),
      nodes: new Map(),
    });
  }

  record(events: readonly ExecutionEvent[]): void {
    this.#validate(events);
    for (const event of events) this.#apply(event);
  }

  getExecution(executionId: string): ExecutionRecord | undefined {
    const entry = this.#executions.get(executionId);
    return entry === undefined ? undefined : { ...entry.record };
  }

  getNodeExecution(executionId: string, nodeId: string): NodeExecutionRecord | undefined {
    const node = this.#executions.get(executionId)?.nodes.get(nodeId);
    return node === undefined ? undefined : readNode(node);
  }

  listNodeExecutions(executionId: string): readonly NodeExecutionRecord[] {
    const entry = this.#executions.get(executionId);
    if (entry === undefined) return [];
    return Array.from(entry.nodes.values(), readNode);
  }

  listTaskExecutions(executionId: string, nodeId: string): readonly TaskExecutionRecord[] {
    const node = this.#executions.get(executionId)?.nodes.get(nodeId);
    if (node === undefined) return [];
    // Attempts arrive in order, but a sparse array would still list holes; skip them.
    return node.tasks.filter((task) => task !== undefined).map((task) => ({ ...task }));
  }

  getNodeOutputs(executionId: string, nodeId: string): LiteralMap | undefined {
    const record = this.#executions.get(executionId)?.nodes.get(nodeId)?.record;
    return record?.phase === "SUCCEEDED" ? record.outputs : undefined;
  }

  /**
   * Checks the whole batch before applying any of it, so a refused batch leaves no trace.
   * Phases reached earlier in the same batch count.
   */
  #validate(events: readonly ExecutionEvent[]): void {
    let terminalInBatch: Set<string> | undefined;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as ExecutionEvent;
      const entry = this.#executions.get(event.executionId);
      if (entry === undefined) {
        throw new StoreError(
          "E_EXECUTION_NOT_FOUND",
          `Cannot record a ${event.kind} event for execution "${event.executionId}": no such execution.`,
        );
      }
      const endedInBatch = terminalInBatch?.has(event.executionId) === true;
      if (endedInBatch || isTerminalWorkflowPhase(entry.record.phase)) {
        const ended = endedInBatch ? "earlier in the same batch" : `in phase ${entry.record.phase}`;
        throw new StoreError(
          "E_EXECUTION_TERMINAL",
          `Cannot record a ${event.kind} event (${event.phase}) for execution "${event.executionId}": ` +
            `the execution already ended ${ended}.`,
        );
      }
      if (event.kind === "workflow" && isTerminalWorkflowPhase(event.phase)) {
        (terminalInBatch ??= new Set()).add(event.executionId);
      } else if (event.kind !== "workflow" && event.arrayItem !== undefined) {
        validateItem(events, i, entry.nodes, event, event.arrayItem);
      } else if (
        event.kind === "task" &&
        !entry.nodes.has(event.nodeId) &&
        !hasNodeEventBefore(events, i, event.executionId, event.nodeId)
      ) {
        throw new StoreError(
          "E_NODE_NOT_FOUND",
          `Cannot record attempt ${event.attempt} of node "${event.nodeId}" in execution ` +
            `"${event.executionId}": the node has no node execution yet (record a node event first).`,
        );
      }
    }
  }

  #apply(event: ExecutionEvent): void {
    // Validated just before: the execution exists.
    const entry = this.#executions.get(event.executionId) as ExecutionEntry;
    switch (event.kind) {
      case "workflow":
        applyWorkflowEvent(entry.record, event);
        return;
      case "node": {
        if (event.arrayItem !== undefined && summarizedOnly(entry, event, event.arrayItem)) return;
        const node = entry.nodes.get(event.nodeId);
        if (node === undefined) {
          entry.nodes.set(event.nodeId, { record: applyNodeEvent(undefined, event), tasks: [] });
        } else {
          applyNodeEvent(node.record, event);
        }
        return;
      }
      case "task": {
        if (event.arrayItem !== undefined && summarizedOnly(entry, event, event.arrayItem)) return;
        let node = entry.nodes.get(event.nodeId);
        if (node === undefined) {
          // Validated: only an array item's first failure gets here without a node record.
          node = { record: itemNodeStub(event), tasks: [] };
          entry.nodes.set(event.nodeId, node);
        }
        node.tasks[event.attempt] = applyTaskEvent(node.record, node.tasks[event.attempt], event);
        return;
      }
    }
  }
}

/** A copy of a node's record, with its items' summary when it is an array node. */
function readNode(node: NodeEntry): NodeExecutionRecord {
  return node.items === undefined ? { ...node.record } : { ...node.record, arrayItems: summarizeArrayItems(node.items) };
}

/**
 * Folds an item event into its array node's summary; true when that is all it needs (the item
 * has no full record and the event reports no failure).
 */
function summarizedOnly(entry: ExecutionEntry, event: NodeExecutionEvent | TaskExecutionEvent, ref: ArrayItemRef): boolean {
  // Validated: the array node is recorded.
  const parent = entry.nodes.get(ref.arrayNodeId) as NodeEntry;
  applyArrayItemEvent((parent.items ??= newArrayItems(ref.count)), event, ref.index);
  return !startsFullItemRecord(event) && !entry.nodes.has(event.nodeId);
}

/** Refuses an item event whose array node is not recorded, or whose index is out of range. */
function validateItem(
  events: readonly ExecutionEvent[],
  position: number,
  nodes: ReadonlyMap<string, NodeEntry>,
  event: NodeExecutionEvent | TaskExecutionEvent,
  ref: ArrayItemRef,
): void {
  const parent = nodes.get(ref.arrayNodeId);
  if (parent === undefined && !hasNodeEventBefore(events, position, event.executionId, ref.arrayNodeId)) {
    throw new StoreError(
      "E_NODE_NOT_FOUND",
      `Cannot record item ${ref.index} ("${event.nodeId}") of array node "${ref.arrayNodeId}" in execution ` +
        `"${event.executionId}": the array node has no node execution yet (record a node event for it first).`,
    );
  }
  const count = parent?.items?.count ?? ref.count;
  if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index >= count) {
    throw new StoreError(
      "E_ITEM_OUT_OF_RANGE",
      `Cannot record item ${ref.index} ("${event.nodeId}") of array node "${ref.arrayNodeId}" in execution ` +
        `"${event.executionId}": the array node has ${count} items (indexes 0 to ${count - 1}).`,
    );
  }
}

/** Whether a node event for the node comes before position `end` in the batch (rare path). */
function hasNodeEventBefore(
  events: readonly ExecutionEvent[],
  end: number,
  executionId: string,
  nodeId: string,
): boolean {
  for (let i = 0; i < end; i++) {
    const event = events[i] as ExecutionEvent;
    if (event.kind === "node" && event.executionId === executionId && event.nodeId === nodeId) return true;
  }
  return false;
}
