/**
 * The state writer's drafts of touched rows, and the one place they are built: from a row just
 * loaded, and from a state just written (what the row cache keeps, so that the next batch starts
 * from exactly what a load would give back). Only the columns the fold reads are in a draft: no
 * literals and no errors (the fold only ever replaces them), and for an execution no closure or
 * inputs (they never change after creation: placeholders, never written back).
 */
import type { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@flyte/engine";
import type { Draft, ExecutionRecord, NodeExecutionRecord, TaskExecutionRecord } from "@flyte/engine/store";
import type { ExecutionIdentity } from "../blob/blob-layout.ts";
import type { EncodedLiteral } from "./literal-codec.ts";

/** An execution row touched by a batch. */
export interface ExecutionState {
  readonly draft: Draft<ExecutionRecord>;
  readonly identity: ExecutionIdentity;
  readonly terminalBefore: boolean;
  dirty: boolean;
  error?: string;
  outputs?: EncodedLiteral;
}

/** A node row touched by a batch. */
export interface NodeState {
  readonly draft: Draft<NodeExecutionRecord>;
  readonly isNew: boolean;
  /** Of an array node: its number of items, once an item event arrived. */
  itemCount?: number;
  error?: string;
  cacheStatus?: string;
  inputs?: EncodedLiteral;
  outputs?: EncodedLiteral;
}

/** A task attempt row touched by a batch. */
export interface TaskState {
  readonly draft: Draft<TaskExecutionRecord>;
  readonly isNew: boolean;
  error?: string;
  cacheStatus?: string;
}

/** Phases after which a workflow takes no more events. */
export const TERMINAL_WORKFLOW: ReadonlySet<WorkflowExecutionPhase> = new Set(["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]);

/** The columns of an execution row the fold reads (a NULL column as undefined). */
export interface ExecutionColumns {
  readonly executionId: string;
  readonly phase: WorkflowExecutionPhase;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt?: number | undefined;
  readonly endedAt?: number | undefined;
  readonly identity: ExecutionIdentity;
}

/** The columns of a node row the fold reads. */
export interface NodeColumns {
  readonly executionId: string;
  readonly nodeId: string;
  readonly phase: NodeExecutionPhase;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly attempts: number;
  readonly startedAt?: number | undefined;
  readonly endedAt?: number | undefined;
  readonly itemCount?: number | undefined;
}

/** The columns of a task attempt row the fold reads. */
export interface TaskColumns {
  readonly executionId: string;
  readonly nodeId: string;
  readonly taskName: string;
  readonly attempt: number;
  readonly phase: TaskExecutionPhase;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly endedAt?: number | undefined;
}

/** An untouched execution state of these columns. */
export function executionStateOf(c: ExecutionColumns): ExecutionState {
  const draft: Draft<ExecutionRecord> = {
    executionId: c.executionId,
    phase: c.phase,
    closure: undefined as never,
    inputs: undefined as never,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
  if (c.startedAt !== undefined) draft.startedAt = c.startedAt;
  if (c.endedAt !== undefined) draft.endedAt = c.endedAt;
  return { draft, identity: c.identity, terminalBefore: TERMINAL_WORKFLOW.has(draft.phase), dirty: false };
}

/** An untouched, existing node state of these columns. */
export function nodeStateOf(c: NodeColumns): NodeState {
  const draft: Draft<NodeExecutionRecord> = {
    executionId: c.executionId,
    nodeId: c.nodeId,
    phase: c.phase,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    attempts: c.attempts,
  };
  if (c.startedAt !== undefined) draft.startedAt = c.startedAt;
  if (c.endedAt !== undefined) draft.endedAt = c.endedAt;
  return c.itemCount === undefined ? { draft, isNew: false } : { draft, isNew: false, itemCount: c.itemCount };
}

/** An untouched, existing task attempt state of these columns. */
export function taskStateOf(c: TaskColumns): TaskState {
  const draft: Draft<TaskExecutionRecord> = {
    executionId: c.executionId,
    nodeId: c.nodeId,
    taskName: c.taskName,
    attempt: c.attempt,
    phase: c.phase,
    startedAt: c.startedAt,
    updatedAt: c.updatedAt,
  };
  if (c.endedAt !== undefined) draft.endedAt = c.endedAt;
  return { draft, isNew: false };
}

/** What a load of the row just written would give back. */
export function keptExecution(state: ExecutionState): ExecutionState {
  return executionStateOf({ ...state.draft, identity: state.identity });
}

/** What a load of the row just written would give back. */
export function keptNode(state: NodeState): NodeState {
  return nodeStateOf({ ...state.draft, itemCount: state.itemCount });
}

/** What a load of the row just written would give back. */
export function keptTask(state: TaskState): TaskState {
  return taskStateOf(state.draft);
}
