/**
 * Phases per level, named as in flyteidl (`WorkflowExecution.Phase`, `NodeExecution.Phase`,
 * `TaskExecution.Phase`), as string unions so they read well in events, logs and JSON.
 */

/** Phase of a whole execution. */
export type WorkflowExecutionPhase =
  | "UNDEFINED"
  | "QUEUED"
  | "RUNNING"
  | "SUCCEEDING"
  | "SUCCEEDED"
  | "FAILING"
  | "FAILED"
  | "ABORTING"
  | "ABORTED"
  | "TIMED_OUT";

/** Phase of one node in one execution. */
export type NodeExecutionPhase =
  | "UNDEFINED"
  | "QUEUED"
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILING"
  | "FAILED"
  | "ABORTED"
  | "SKIPPED"
  | "TIMED_OUT"
  | "DYNAMIC_RUNNING"
  | "RECOVERED";

/** Phase of one attempt of a task node. */
export type TaskExecutionPhase =
  | "UNDEFINED"
  | "QUEUED"
  | "INITIALIZING"
  | "WAITING_FOR_RESOURCES"
  | "RUNNING"
  | "SUCCEEDED"
  | "RETRYABLE_FAILED"
  | "FAILED"
  | "ABORTED";
