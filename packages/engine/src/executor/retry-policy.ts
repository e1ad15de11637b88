/**
 * Which failures earn another attempt. As in Flyte, only recoverable failures are retried, and
 * user and system failures draw on separate budgets: a flaky worker must not use up the retries
 * the task author asked for, and a task with `retries: 0` still survives a lost worker.
 */
import type { TaskFailure } from "../runtime/errors.ts";

/** Retries allowed per node, by blame. */
export interface RetryBudget {
  /** From the node's or task's `RetryStrategy.retries`. */
  readonly userRetries: number;
  /** From `EngineOptions.systemRetries`. */
  readonly systemRetries: number;
}

/** Failures so far, by blame; updated by {@link recordFailure}. */
export interface FailureCounts {
  user: number;
  system: number;
}

/** Counts `failure` and says whether another attempt may run. */
export function recordFailure(failure: TaskFailure, counts: FailureCounts, budget: RetryBudget): boolean {
  if (failure.kind === "SYSTEM") {
    counts.system++;
    return failure.recoverable && counts.system <= budget.systemRetries;
  }
  counts.user++;
  return failure.recoverable && counts.user <= budget.userRetries;
}

/** Why a failure ends the node, for its error message. */
export function finalFailureReason(failure: TaskFailure, counts: FailureCounts, budget: RetryBudget): string {
  if (!failure.recoverable) return "not retried: the error is not recoverable";
  return failure.kind === "SYSTEM"
    ? `system retries exhausted (${counts.system} system failure(s), ${budget.systemRetries} retries allowed)`
    : `retries exhausted (${counts.user} user failure(s), ${budget.userRetries} retries allowed)`;
}
