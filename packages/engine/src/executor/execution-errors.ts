/**
 * Failures the engine itself produces (as opposed to failures reported by a task runner), with
 * their stable codes. Codes follow the runtime's `KIND:Name` convention.
 */
import type { ExecutionError, TaskFailure } from "../runtime/errors.ts";

/** Codes of failures that originate in the engine. */
export const engineErrorCodes = {
  /** An attempt ran past its timeout (user budget, retryable; see task-node.ts). */
  timeout: "USER:Timeout",
  /** The execution was terminated through the request's AbortSignal. */
  aborted: "USER:Aborted",
  /** A node's inputs could not be built from its bindings. */
  bindingResolution: "SYSTEM:BindingResolution",
  /** The closure is inconsistent: unknown node ids, a missing task template, a cycle. */
  invalidClosure: "SYSTEM:InvalidClosure",
  /** A node kind this engine cannot run yet. */
  unsupportedNode: "SYSTEM:UnsupportedNode",
  /** The task runner threw or rejected instead of returning a failure. */
  runnerError: "SYSTEM:RunnerError",
  /** A node aborted because another node failed (FAIL_IMMEDIATELY) or the execution ended. */
  nodeAborted: "SYSTEM:NodeAborted",
} as const;

/** Renders an unknown thrown value as a message. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === "string") return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** A runner that throws is treated like a lost worker: a recoverable system failure. */
export function runnerThrewFailure(thrown: unknown): TaskFailure {
  return {
    code: engineErrorCodes.runnerError,
    message: `The task runner failed instead of reporting an outcome: ${describeThrown(thrown)}`,
    kind: "SYSTEM",
    recoverable: true,
  };
}

/** The failure recorded for an attempt that ran past its timeout. */
export function timeoutFailure(timeoutMs: number): TaskFailure {
  return {
    code: engineErrorCodes.timeout,
    message: `The attempt ran longer than its timeout of ${timeoutMs} ms and was aborted.`,
    kind: "USER",
    recoverable: true,
  };
}

/** An error on a node, with the node id (and task name when there is one) attached. */
export function nodeError(
  code: string,
  kind: ExecutionError["kind"],
  message: string,
  nodeId: string,
  taskName?: string,
): ExecutionError {
  return taskName === undefined
    ? { code, kind, message, nodeId }
    : { code, kind, message, nodeId, taskName };
}
