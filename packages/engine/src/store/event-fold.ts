/**
 * How events become records. Pure functions over mutable drafts, shared by every store so that
 * the memory store and the durable stores agree on timings and fields (a durable store reads a
 * row, applies the event to it, and writes it back in the same commit).
 */
import type { NodeExecutionEvent, TaskExecutionEvent, WorkflowExecutionEvent } from "../runtime/events.ts";
import {
  isTerminalNodePhase,
  isTerminalTaskPhase,
  isTerminalWorkflowPhase,
} from "../runtime/terminal-phases.ts";
import type {
  ExecutionRecord,
  NewExecution,
  NodeExecutionRecord,
  TaskExecutionRecord,
} from "./state-store.ts";

/** A record a store may update in place. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** The record of a freshly created execution. */
export function newExecutionRecord(execution: NewExecution): Draft<ExecutionRecord> {
  return {
    executionId: execution.executionId,
    phase: "UNDEFINED",
    closure: execution.closure,
    inputs: execution.inputs,
    createdAt: execution.createdAt,
    updatedAt: execution.createdAt,
  };
}

/** Applies a workflow event to its execution's record. */
export function applyWorkflowEvent(record: Draft<ExecutionRecord>, event: WorkflowExecutionEvent): void {
  record.phase = event.phase;
  record.updatedAt = event.occurredAt;
  if (event.phase === "RUNNING" && record.startedAt === undefined) record.startedAt = event.occurredAt;
  if (isTerminalWorkflowPhase(event.phase)) record.endedAt = event.occurredAt;
  if (event.outputs !== undefined) record.outputs = event.outputs;
  if (event.error !== undefined) record.error = event.error;
}

/** Creates or updates a node record from a node event. */
export function applyNodeEvent(
  record: Draft<NodeExecutionRecord> | undefined,
  event: NodeExecutionEvent,
): Draft<NodeExecutionRecord> {
  const draft: Draft<NodeExecutionRecord> = record ?? {
    executionId: event.executionId,
    nodeId: event.nodeId,
    phase: event.phase,
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
    attempts: 0,
  };
  draft.phase = event.phase;
  draft.updatedAt = event.occurredAt;
  if (event.phase === "RUNNING" && draft.startedAt === undefined) draft.startedAt = event.occurredAt;
  if (isTerminalNodePhase(event.phase)) draft.endedAt = event.occurredAt;
  if (event.inputs !== undefined) draft.inputs = event.inputs;
  if (event.outputs !== undefined) draft.outputs = event.outputs;
  if (event.error !== undefined) draft.error = event.error;
  if (event.cacheStatus !== undefined) draft.cacheStatus = event.cacheStatus;
  return draft;
}

/**
 * Creates or updates an attempt record from a task event, and counts the attempt on its node.
 */
export function applyTaskEvent(
  node: Draft<NodeExecutionRecord>,
  record: Draft<TaskExecutionRecord> | undefined,
  event: TaskExecutionEvent,
): Draft<TaskExecutionRecord> {
  const draft: Draft<TaskExecutionRecord> = record ?? {
    executionId: event.executionId,
    nodeId: event.nodeId,
    taskName: event.taskName,
    attempt: event.attempt,
    phase: event.phase,
    startedAt: event.occurredAt,
    updatedAt: event.occurredAt,
  };
  draft.phase = event.phase;
  draft.updatedAt = event.occurredAt;
  if (isTerminalTaskPhase(event.phase)) draft.endedAt = event.occurredAt;
  if (event.error !== undefined) draft.error = event.error;
  if (event.attempt + 1 > node.attempts) node.attempts = event.attempt + 1;
  node.updatedAt = event.occurredAt;
  return draft;
}
