/**
 * What the worker reads from an assignment to run it in an isolate — which isolates may serve it
 * (its code: bundle or worker directory), its heap cap (`limits.mem`), warm or fresh
 * (`TaskTemplate.config["isolation"]`), its timeout — and the outcome it reports for how the
 * isolate ended.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { Resources_ResourceName } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { CompleteRequestSchema, type Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { ISOLATION_CONFIG_KEY, isolateEndFailure, memoryMbOf, type IsolateEnd } from "flytekit/internal";
import { errorOutcome, systemFailure, type AttemptOutcome } from "./attempt.ts";
import { CodeLoadError } from "./code-errors.ts";
import type { ItemOutcome } from "./isolate/attempt-thread.ts";
import { parseTaskArgs } from "./task-args.ts";

/** How one attempt is isolated. */
export interface AttemptIsolation {
  /** Isolates are shared only between attempts of one key: the bundle URL, or the worker's own directory. */
  readonly key: string;
  readonly bundleUrl: string | undefined;
  readonly memoryMb: number | undefined;
  readonly fresh: boolean;
  /** The task's timeout; 0 for none. */
  readonly timeoutMs: number;
}

/** The isolation of `assignment`; throws {@link CodeLoadError} when its template cannot be read. */
export function isolationOf(assignment: Assignment): AttemptIsolation {
  const template = assignment.task;
  const name = template?.id?.name ?? "?";
  if (template?.target.case !== "container") throw new CodeLoadError(`task '${name}' has no container (target '${template?.target.case ?? "none"}'); a worker runs container tasks only`);
  const args = parseTaskArgs(template.target.value.args);
  const bundleUrl = assignment.bundleUrl !== "" ? assignment.bundleUrl : args.bundleUrl;
  const mem = template.target.value.resources?.limits.find((l) => l.name === Resources_ResourceName.MEMORY)?.value;
  let memoryMb: number | undefined;
  try {
    memoryMb = mem !== undefined && mem !== "" ? memoryMbOf(mem, `task '${name}'`) : undefined;
  } catch (err) {
    throw new CodeLoadError(err instanceof Error ? err.message : String(err));
  }
  const timeout = template.metadata?.timeout;
  return {
    key: bundleUrl !== undefined ? `bundle:${bundleUrl}` : "local",
    bundleUrl,
    memoryMb,
    fresh: template.config[ISOLATION_CONFIG_KEY] === "fresh",
    timeoutMs: timeout !== undefined ? Math.max(0, durationMs(timeout)) : 0,
  };
}

/**
 * What `Complete` reports for an attempt that ended (not aborted) as `end`, encoded (see
 * {@link ItemOutcome}): the isolate's own bytes when it ran the attempt, untouched.
 */
export function attemptOutcomeOf(assignment: Assignment, end: IsolateEnd | undefined, loadError: unknown, workerId: string): ItemOutcome {
  const name = assignment.task?.id?.name ?? "?";
  if (end === undefined) {
    const message = loadError instanceof Error ? loadError.message : String(loadError);
    return encoded(errorOutcome(systemFailure("SYSTEM:CodeLoad", `could not load task '${name}': ${message}`, loadError instanceof CodeLoadError && loadError.recoverable), workerId));
  }
  if (end.kind !== "done") return encoded(errorOutcome(isolateEndFailure(end, name), workerId));
  return end.value as ItemOutcome;
}

function encoded(outcome: AttemptOutcome): ItemOutcome {
  const bytes = toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome }));
  return outcome.case === "error" ? { bytes, failure: `${outcome.value.error?.code ?? "?"}: ${outcome.value.error?.message ?? ""}` } : { bytes };
}

/** `<execution>/<node> attempt <n>`, n counted from 1 as in error messages and the CLI. */
export function describeAttempt(assignment: Assignment): string {
  return `${assignment.executionName}/${assignment.nodeId} attempt ${assignment.retryAttempt + 1}`;
}
