/**
 * Failure records as the engine keeps them: who is to blame (`USER` or `SYSTEM`) and whether a
 * retry may help. Mirrors flyteidl `core.ExecutionError` and `core.ContainerError`.
 */

/** Blame for a failure; user and system errors have separate retry budgets. */
export type ErrorKind = "USER" | "SYSTEM";

/** A failure of one task attempt, as reported by a task runner. */
export interface TaskFailure {
  /** Short stable code, e.g. `USER:ValueError`, `SYSTEM:Timeout`. */
  readonly code: string;
  readonly message: string;
  readonly kind: ErrorKind;
  /** Whether a retry may succeed (flyteidl `ContainerError.Kind.RECOVERABLE`). */
  readonly recoverable: boolean;
}

/** A failure of a node or an execution, with the node it happened in. */
export interface ExecutionError {
  readonly code: string;
  readonly message: string;
  readonly kind: ErrorKind;
  /** The node that failed (fully qualified for nested nodes, e.g. `n1-0-n2`). */
  readonly nodeId?: string;
  /** The task that failed, by name, when a task node failed. */
  readonly taskName?: string;
}
