import type {
  NodeExecutionPhase,
  TaskExecutionPhase,
  WorkflowExecutionPhase,
} from "./phases.ts";

/** Whether an execution phase is final (nothing changes it afterwards). */
export function isTerminalWorkflowPhase(phase: WorkflowExecutionPhase): boolean {
  return phase === "SUCCEEDED" || phase === "FAILED" || phase === "ABORTED" || phase === "TIMED_OUT";
}

/** Whether a node phase is final for this execution. */
export function isTerminalNodePhase(phase: NodeExecutionPhase): boolean {
  return (
    phase === "SUCCEEDED" ||
    phase === "FAILED" ||
    phase === "ABORTED" ||
    phase === "SKIPPED" ||
    phase === "TIMED_OUT" ||
    phase === "RECOVERED"
  );
}

/**
 * Whether an attempt phase is final. RETRYABLE_FAILED is final for the attempt: a retry is a new
 * attempt with its own record.
 */
export function isTerminalTaskPhase(phase: TaskExecutionPhase): boolean {
  return (
    phase === "SUCCEEDED" || phase === "RETRYABLE_FAILED" || phase === "FAILED" || phase === "ABORTED"
  );
}
