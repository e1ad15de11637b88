/**
 * Turns events into rows inside a transaction: read the touched rows once, fold the batch's events
 * into drafts with the engine's fold helpers (so rows match the memory store's records field for
 * field), then write each touched row once. Refusals are thrown before the first write, so a
 * refused batch leaves no trace even without a savepoint.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ExecutionEvent, NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@flyte/engine";
import type { NewExecution } from "@flyte/engine/store";
import {
  StoreError,
  applyNodeEvent,
  applyTaskEvent,
  applyWorkflowEvent,
  itemNodeStub,
  startsFullItemRecord,
} from "@flyte/engine/store";
import type { ArrayItemRef, NodeExecutionEvent, TaskExecutionEvent } from "@flyte/engine";
import { attemptDocumentPath, nodeInputsPath, type ExecutionIdentity } from "../blob/blob-layout.ts";
import { literalColumns, type EncodedLiteral } from "./literal-codec.ts";
import { UPSERT_ARRAY_ITEM, foldArrayItem, writeArrayItems, type ItemState } from "./array-item-rows.ts";
import { NewExecutionRows } from "./new-execution-rows.ts";
import { StateRowCache, type CommitHooks } from "./state-row-cache.ts";
import {
  TERMINAL_WORKFLOW,
  executionStateOf,
  keptExecution,
  keptNode,
  keptTask,
  nodeStateOf,
  taskStateOf,
  type ExecutionState,
  type NodeState,
  type TaskState,
} from "./state-drafts.ts";

/** One event with its literal maps already serialized. */
export interface PreparedEvent {
  readonly event: ExecutionEvent;
  readonly inputs?: EncodedLiteral;
  readonly outputs?: EncodedLiteral;
}

/**
 * Called for every literal about to be written, with a lazy path in Flyte's layout; the store
 * uses it in a dry run to decide which literals to offload (and where) before writing blobs.
 */
export type OffloadHook = (literal: EncodedLiteral, path: () => string) => void;

/** Virtual node ids whose data folders hold the workflow's inputs and outputs (as in propeller). */
const START_NODE = "start-node";
const END_NODE = "end-node";

interface ExecutionRow {
  phase: string;
  project: string;
  domain: string;
  name: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

interface NodeRow {
  phase: string;
  attempts: number;
  array_item_count: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

interface TaskRow {
  task_name: string;
  phase: string;
  started_at: number;
  ended_at: number | null;
  updated_at: number;
}

/** Writes executions and events through prepared statements of one connection. */
export class StateWriter {
  readonly #sql: Record<
    | "execExists" | "insertExec" | "loadExec" | "updateExec"
    | "loadNode" | "insertNode" | "updateNode"
    | "loadTask" | "insertTask" | "updateTask" | "upsertItem",
    StatementSync
  >;

  /** The rows written last (state-row-cache.ts). */
  readonly #rows: StateRowCache;

  /** Rows that may exist of the executions created here (new-execution-rows.ts). */
  readonly #newRows = new NewExecutionRows();

  /** `hooks`: the group committer the writes run in; without it every row is read from the database. */
  constructor(sqlite: DatabaseSync, hooks?: CommitHooks) {
    this.#rows = new StateRowCache(hooks);
    this.#sql = {
      execExists: sqlite.prepare("SELECT 1 AS x FROM executions WHERE execution_id = ?"),
      insertExec: sqlite.prepare(
        `INSERT INTO executions (execution_id, project, domain, name, phase, closure, inputs, inputs_uri, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'UNDEFINED', ?, ?, ?, ?, ?)`,
      ),
      loadExec: sqlite.prepare(
        "SELECT phase, project, domain, name, created_at, started_at, ended_at, updated_at FROM executions WHERE execution_id = ?",
      ),
      updateExec: sqlite.prepare(
        `UPDATE executions SET phase = :phase, started_at = :started, ended_at = :ended, updated_at = :updated,
           error = coalesce(:error, error),
           outputs = iif(:setOutputs, :outputs, outputs), outputs_uri = iif(:setOutputs, :outputsUri, outputs_uri)
         WHERE execution_id = :id`,
      ),
      loadNode: sqlite.prepare(
        "SELECT phase, attempts, array_item_count, created_at, started_at, ended_at, updated_at FROM node_executions WHERE execution_id = ? AND node_id = ?",
      ),
      insertNode: sqlite.prepare(
        `INSERT INTO node_executions (execution_id, node_id, phase, inputs, inputs_uri, outputs, outputs_uri, error, cache_status,
           attempts, array_item_count, created_at, started_at, ended_at, updated_at)
         VALUES (:id, :node, :phase, :inputs, :inputsUri, :outputs, :outputsUri, :error, :cache, :attempts, :itemCount, :created,
           :started, :ended, :updated)`,
      ),
      updateNode: sqlite.prepare(
        `UPDATE node_executions SET phase = :phase, attempts = :attempts, started_at = :started, ended_at = :ended,
           updated_at = :updated, error = coalesce(:error, error), cache_status = coalesce(:cache, cache_status),
           array_item_count = coalesce(:itemCount, array_item_count),
           inputs = iif(:setInputs, :inputs, inputs), inputs_uri = iif(:setInputs, :inputsUri, inputs_uri),
           outputs = iif(:setOutputs, :outputs, outputs), outputs_uri = iif(:setOutputs, :outputsUri, outputs_uri)
         WHERE execution_id = :id AND node_id = :node`,
      ),
      loadTask: sqlite.prepare(
        "SELECT task_name, phase, started_at, ended_at, updated_at FROM task_executions WHERE execution_id = ? AND node_id = ? AND attempt = ?",
      ),
      insertTask: sqlite.prepare(
        `INSERT INTO task_executions (execution_id, node_id, attempt, task_name, phase, error, cache_status, started_at, ended_at, updated_at)
         VALUES (:id, :node, :attempt, :task, :phase, :error, :cache, :started, :ended, :updated)`,
      ),
      updateTask: sqlite.prepare(
        `UPDATE task_executions SET phase = :phase, ended_at = :ended, updated_at = :updated,
           error = coalesce(:error, error), cache_status = coalesce(:cache, cache_status)
         WHERE execution_id = :id AND node_id = :node AND attempt = :attempt`,
      ),
      upsertItem: sqlite.prepare(UPSERT_ARRAY_ITEM),
    };
  }

  /** Rows kept in memory between batches now (for tests). */
  get keptRows(): number {
    return this.#rows.size;
  }

  /** Whether an execution with this id is committed (or written earlier in this transaction). */
  executionExists(executionId: string): boolean {
    return this.#sql.execExists.get(executionId) !== undefined;
  }

  /** Inserts a new execution; refuses a taken id with `E_EXECUTION_EXISTS`. */
  createExecution(
    execution: NewExecution,
    identity: ExecutionIdentity,
    closure: Uint8Array,
    inputs: EncodedLiteral,
    offload?: OffloadHook,
  ): void {
    if (this.executionExists(execution.executionId)) {
      throw new StoreError("E_EXECUTION_EXISTS", `Execution "${execution.executionId}" already exists; choose another execution id.`);
    }
    offload?.(inputs, () => attemptDocumentPath(identity, START_NODE, 0, "outputs.pb"));
    const [bytes, uri] = literalColumns(inputs);
    this.#sql.insertExec.run(
      execution.executionId, identity.project, identity.domain, identity.name,
      closure, bytes, uri, execution.createdAt, execution.createdAt,
    );
    this.#newRows.created(execution.executionId);
    // The row as inserted, for the execution's first event batch once this commits.
    this.#rows.keepAtCommit(
      `e\0${execution.executionId}`,
      executionStateOf({ executionId: execution.executionId, phase: "UNDEFINED", createdAt: execution.createdAt, updatedAt: execution.createdAt, identity }),
    );
  }

  /**
   * Applies one `record` batch. Throws {@link StoreError} before writing anything when an event
   * names an unknown execution, follows the execution's end, or is an attempt of an unknown node.
   */
  apply(events: readonly PreparedEvent[], offload?: OffloadHook): void {
    const executions = new Map<string, ExecutionState>();
    const nodes = new Map<string, NodeState>();
    const tasks = new Map<string, TaskState>();
    const items = new Map<string, ItemState>();
    const parents = new Map<string, NodeState>();
    for (const prepared of events) {
      const event = prepared.event;
      const execution = this.#execution(executions, event.executionId, event.kind);
      if (TERMINAL_WORKFLOW.has(execution.draft.phase)) {
        const ended = execution.terminalBefore ? `in phase ${execution.draft.phase}` : "earlier in the same batch";
        throw new StoreError(
          "E_EXECUTION_TERMINAL",
          `Cannot record a ${event.kind} event (${event.phase}) for execution "${event.executionId}": the execution already ended ${ended}.`,
        );
      }
      if (event.kind !== "workflow" && event.arrayItem !== undefined) {
        if (this.#summarizedOnly(event, event.arrayItem, nodes, parents, items)) continue;
      }
      switch (event.kind) {
        case "workflow":
          applyWorkflowEvent(execution.draft, event);
          execution.dirty = true;
          if (event.error !== undefined) execution.error = JSON.stringify(event.error);
          if (prepared.outputs !== undefined) {
            execution.outputs = prepared.outputs;
            offload?.(prepared.outputs, () => attemptDocumentPath(execution.identity, END_NODE, 0, "outputs.pb"));
          }
          break;
        case "node": {
          const key = `${event.executionId}\0${event.nodeId}`;
          let node = nodes.get(key) ?? this.#loadNode(event.executionId, event.nodeId);
          if (node === undefined) {
            node = { draft: applyNodeEvent(undefined, event), isNew: true };
          } else {
            applyNodeEvent(node.draft, event);
          }
          nodes.set(key, node);
          if (event.error !== undefined) node.error = JSON.stringify(event.error);
          const nodeCache = cacheStatusOf(event);
          if (nodeCache !== undefined) node.cacheStatus = nodeCache;
          const state = node;
          if (prepared.inputs !== undefined) {
            state.inputs = prepared.inputs;
            offload?.(prepared.inputs, () => nodeInputsPath(execution.identity, event.nodeId));
          }
          if (prepared.outputs !== undefined) {
            state.outputs = prepared.outputs;
            // Outputs live in the folder of the attempt that produced them (attempts counted so far).
            offload?.(prepared.outputs, () =>
              attemptDocumentPath(execution.identity, event.nodeId, Math.max(0, state.draft.attempts - 1), "outputs.pb"));
          }
          break;
        }
        case "task": {
          const nodeKey = `${event.executionId}\0${event.nodeId}`;
          let node = nodes.get(nodeKey) ?? this.#loadNode(event.executionId, event.nodeId);
          // An array item's first failure may be an attempt event: its record starts there.
          if (node === undefined && event.arrayItem !== undefined) node = { draft: itemNodeStub(event), isNew: true };
          if (node === undefined) {
            throw new StoreError(
              "E_NODE_NOT_FOUND",
              `Cannot record attempt ${event.attempt + 1} of node "${event.nodeId}" in execution "${event.executionId}": ` +
                "the node has no node execution yet (record a node event first).",
            );
          }
          nodes.set(nodeKey, node);
          const key = `${nodeKey}\0${event.attempt}`;
          const existing = tasks.get(key) ?? this.#loadTask(event.executionId, event.nodeId, event.attempt);
          let state: TaskState;
          if (existing === undefined) {
            state = { draft: applyTaskEvent(node.draft, undefined, event), isNew: true };
          } else {
            applyTaskEvent(node.draft, existing.draft, event);
            state = existing;
          }
          tasks.set(key, state);
          if (event.error !== undefined) state.error = JSON.stringify(event.error);
          const taskCache = cacheStatusOf(event);
          if (taskCache !== undefined) state.cacheStatus = taskCache;
          break;
        }
      }
    }
    for (const execution of executions.values()) if (execution.dirty) this.#writeExecution(execution);
    for (const node of nodes.values()) this.#writeNode(node);
    for (const task of tasks.values()) this.#writeTask(task);
    writeArrayItems(this.#sql.upsertItem, items);
    // As the database now has them, for the next batch once this one has committed; not the rows
    // of an execution that ended, which take no more events (#forgetEnded).
    const ended = this.#forgetEnded(executions);
    for (const [id, execution] of executions) if (!ended.has(id)) this.#rows.keepAtCommit(`e\0${id}`, keptExecution(execution));
    for (const [key, node] of nodes) if (!ended.has(node.draft.executionId)) this.#rows.keepAtCommit(`n\0${key}`, keptNode(node));
    for (const [key, task] of tasks) if (!ended.has(task.draft.executionId)) this.#rows.keepAtCommit(`t\0${key}`, keptTask(task));
  }

  /**
   * The executions of this batch that ended: their kept rows are dropped (no later event needs
   * them: a batch of an ended execution is refused, reading its row) and are not kept again. The
   * row cache then holds the rows of running executions only: full of ended ones (8,192 rows),
   * each kept row cost about 3 µs to keep, against about 0.5 µs at 512 (docs/benchmarks.md,
   * eighth round). Dropped at once, before the commit: a drop is always safe.
   */
  #forgetEnded(executions: ReadonlyMap<string, ExecutionState>): ReadonlySet<string> {
    const ended = new Set<string>();
    for (const [id, execution] of executions) {
      if (!TERMINAL_WORKFLOW.has(execution.draft.phase)) continue;
      ended.add(id);
      this.#rows.drop(`e\0${id}`);
      // Keys `n\0<node>` and `t\0<node>\0<attempt>`; the cache's put the execution id second.
      for (const key of this.#newRows.forget(id) ?? []) this.#rows.drop(`${key.slice(0, 1)}\0${id}${key.slice(1)}`);
    }
    return ended;
  }

  /**
   * Folds an item event into its array item row; true when that is all it needs (the item has no
   * full record and the event reports no failure). Refuses items of unrecorded array nodes and
   * indexes beyond the item count.
   */
  #summarizedOnly(
    event: NodeExecutionEvent | TaskExecutionEvent,
    ref: ArrayItemRef,
    nodes: Map<string, NodeState>,
    parents: Map<string, NodeState>,
    items: Map<string, ItemState>,
  ): boolean {
    const parentKey = `${event.executionId}\0${ref.arrayNodeId}`;
    const parent = nodes.get(parentKey) ?? parents.get(parentKey) ?? this.#loadNode(event.executionId, ref.arrayNodeId);
    const where = `item ${ref.index} ("${event.nodeId}") of array node "${ref.arrayNodeId}" in execution "${event.executionId}"`;
    if (parent === undefined) {
      throw new StoreError(
        "E_NODE_NOT_FOUND",
        `Cannot record ${where}: the array node has no node execution yet (record a node event for it first).`,
      );
    }
    parents.set(parentKey, parent);
    if (parent.itemCount === undefined) {
      parent.itemCount = ref.count;
      nodes.set(parentKey, parent); // written back with its item count
    }
    const count = parent.itemCount;
    if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index >= count) {
      throw new StoreError("E_ITEM_OUT_OF_RANGE", `Cannot record ${where}: the array node has ${count} items (indexes 0 to ${count - 1}).`);
    }
    foldArrayItem(items, `${parentKey}\0${ref.index}`, event, ref);
    if (startsFullItemRecord(event)) return false;
    const itemKey = `${event.executionId}\0${event.nodeId}`;
    return !nodes.has(itemKey) && this.#loadNode(event.executionId, event.nodeId) === undefined;
  }

  #execution(executions: Map<string, ExecutionState>, executionId: string, kind: string): ExecutionState {
    let state = executions.get(executionId) ?? this.#rows.take<ExecutionState>(`e\0${executionId}`);
    if (state !== undefined) {
      executions.set(executionId, state);
      return state;
    }
    const row = this.#sql.loadExec.get(executionId) as ExecutionRow | undefined;
    if (row === undefined) {
      throw new StoreError("E_EXECUTION_NOT_FOUND", `Cannot record a ${kind} event for execution "${executionId}": no such execution.`);
    }
    state = executionStateOf({
      executionId,
      phase: row.phase as WorkflowExecutionPhase,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      startedAt: row.started_at ?? undefined,
      endedAt: row.ended_at ?? undefined,
      identity: { project: row.project, domain: row.domain, name: row.name },
    });
    executions.set(executionId, state);
    return state;
  }

  #loadNode(executionId: string, nodeId: string): NodeState | undefined {
    const kept = this.#rows.take<NodeState>(`n\0${executionId}\0${nodeId}`);
    if (kept !== undefined) return kept;
    if (this.#newRows.absent(executionId, `n\0${nodeId}`)) return undefined;
    const row = this.#sql.loadNode.get(executionId, nodeId) as NodeRow | undefined;
    if (row === undefined) return undefined;
    return nodeStateOf({
      executionId,
      nodeId,
      phase: row.phase as NodeExecutionPhase,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      attempts: row.attempts,
      startedAt: row.started_at ?? undefined,
      endedAt: row.ended_at ?? undefined,
      itemCount: row.array_item_count ?? undefined,
    });
  }

  #loadTask(executionId: string, nodeId: string, attempt: number): TaskState | undefined {
    const kept = this.#rows.take<TaskState>(`t\0${executionId}\0${nodeId}\0${attempt}`);
    if (kept !== undefined) return kept;
    if (this.#newRows.absent(executionId, `t\0${nodeId}\0${attempt}`)) return undefined;
    const row = this.#sql.loadTask.get(executionId, nodeId, attempt) as TaskRow | undefined;
    if (row === undefined) return undefined;
    return taskStateOf({
      executionId,
      nodeId,
      taskName: row.task_name,
      attempt,
      phase: row.phase as TaskExecutionPhase,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      endedAt: row.ended_at ?? undefined,
    });
  }

  #writeExecution(state: ExecutionState): void {
    const d = state.draft;
    const [outputs, outputsUri] = state.outputs === undefined ? [null, null] : literalColumns(state.outputs);
    this.#sql.updateExec.run({
      id: d.executionId,
      phase: d.phase,
      started: d.startedAt ?? null,
      ended: d.endedAt ?? null,
      updated: d.updatedAt,
      error: state.error ?? null,
      setOutputs: state.outputs === undefined ? 0 : 1,
      outputs,
      outputsUri,
    });
  }

  #writeNode(state: NodeState): void {
    const d = state.draft;
    const [inputs, inputsUri] = state.inputs === undefined ? [null, null] : literalColumns(state.inputs);
    const [outputs, outputsUri] = state.outputs === undefined ? [null, null] : literalColumns(state.outputs);
    const common = {
      id: d.executionId,
      node: d.nodeId,
      phase: d.phase,
      attempts: d.attempts,
      started: d.startedAt ?? null,
      ended: d.endedAt ?? null,
      updated: d.updatedAt,
      error: state.error ?? null,
      cache: state.cacheStatus ?? null,
      itemCount: state.itemCount ?? null,
      inputs,
      inputsUri,
      outputs,
      outputsUri,
    };
    if (state.isNew) {
      this.#newRows.wrote(d.executionId, `n\0${d.nodeId}`);
      this.#sql.insertNode.run({ ...common, created: d.createdAt });
    } else {
      this.#sql.updateNode.run({
        ...common,
        setInputs: state.inputs === undefined ? 0 : 1,
        setOutputs: state.outputs === undefined ? 0 : 1,
      });
    }
  }

  #writeTask(state: TaskState): void {
    const d = state.draft;
    const params = {
      id: d.executionId,
      node: d.nodeId,
      attempt: d.attempt,
      phase: d.phase,
      ended: d.endedAt ?? null,
      updated: d.updatedAt,
      error: state.error ?? null,
      cache: state.cacheStatus ?? null,
    };
    if (state.isNew) {
      this.#newRows.wrote(d.executionId, `t\0${d.nodeId}\0${d.attempt}`);
      this.#sql.insertTask.run({ ...params, task: d.taskName, started: d.startedAt });
    } else {
      this.#sql.updateTask.run(params);
    }
  }
}

/**
 * The catalog status an event carries, if any (node events on cacheable task nodes; task events
 * may carry one too). Read loosely so the store keeps working whichever events carry it.
 */
function cacheStatusOf(event: ExecutionEvent): string | undefined {
  const status = (event as { readonly cacheStatus?: unknown }).cacheStatus;
  return typeof status === "string" ? status : undefined;
}
