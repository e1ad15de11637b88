/** Phase names, colours and terminal-ness for executions and nodes. */
import { WorkflowExecution_Phase, NodeExecution_Phase, TaskExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";

/** An execution phase's name, e.g. "RUNNING". */
export function executionPhaseName(phase: WorkflowExecution_Phase): string {
  return WorkflowExecution_Phase[phase] ?? "UNKNOWN";
}

/** A node phase's name. */
export function nodePhaseName(phase: NodeExecution_Phase): string {
  return NodeExecution_Phase[phase] ?? "UNKNOWN";
}

/** A task (attempt) phase's name. */
export function taskPhaseName(phase: TaskExecution_Phase): string {
  return TaskExecution_Phase[phase] ?? "UNKNOWN";
}

const TERMINAL_EXECUTION = new Set([WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED, WorkflowExecution_Phase.ABORTED, WorkflowExecution_Phase.TIMED_OUT]);

/** Whether an execution has ended. */
export function isTerminal(phase: WorkflowExecution_Phase): boolean {
  return TERMINAL_EXECUTION.has(phase);
}

/** The CSS class of a phase name: its colour family. */
export function phaseTone(name: string): string {
  if (name === "SUCCEEDED" || name === "RECOVERED") return "ok";
  if (name === "FAILED" || name === "TIMED_OUT" || name === "FAILING") return "bad";
  if (name === "ABORTED" || name === "ABORTING" || name === "SKIPPED") return "muted";
  if (name === "RUNNING" || name === "DYNAMIC_RUNNING" || name === "SUCCEEDING") return "run";
  if (name === "QUEUED" || name === "WAITING") return "wait";
  return "idle";
}

/** The execution phases users filter by. */
export const FILTER_PHASES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"] as const;
