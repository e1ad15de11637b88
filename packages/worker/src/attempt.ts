/**
 * One attempt of one task, from assignment to outcome: find the task's code, run it through the
 * SDK (the bundle's own copy), and turn the result into what `Complete` reports — outputs, an
 * error document, or a dynamic task's job spec.
 */
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { TaskFailure } from "@flyte/engine";
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { ContainerError_Kind, ErrorDocumentSchema, type ErrorDocument } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Assignment, CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { CodeLoadError } from "./code-errors.ts";
import type { CodeLoader } from "./code-loader.ts";
import { parseTaskArgs, withFastExecute, type TaskLocation } from "./task-args.ts";

/** What an attempt reports: `CompleteRequest.outcome`. */
export type AttemptOutcome = CompleteRequest["outcome"];

/** Message of the error eager tasks get on a server (which cannot run their child nodes yet). */
export const EAGER_UNSUPPORTED =
  "eager tasks run locally only for now: the server cannot run the child nodes an eager task's body awaits; run this workflow with 'flyte run' (locally), or make the task a dynamic task";

/** Runs `assignment`; never throws (every problem becomes an error outcome). */
export async function runAssignment(assignment: Assignment, loader: CodeLoader, signal: AbortSignal, workerId: string): Promise<AttemptOutcome> {
  const template = assignment.task;
  if (template === undefined) return errorOutcome(systemFailure("SYSTEM:BadAssignment", "the assignment has no task template"), workerId);
  if (template.metadata?.isEager === true) return errorOutcome(systemFailure("SYSTEM:EagerUnsupported", EAGER_UNSUPPORTED), workerId);
  let location: TaskLocation;
  let task;
  try {
    if (template.target.case !== "container") throw new CodeLoadError(`task '${template.id?.name ?? "?"}' has no container (target '${template.target.case ?? "none"}'); a worker runs container tasks only`);
    const parsed = parseTaskArgs(template.target.value.args);
    location = assignment.bundleUrl !== "" ? { ...parsed, bundleUrl: assignment.bundleUrl } : parsed;
    task = await loader.taskFor(template, location);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const recoverable = err instanceof CodeLoadError && err.recoverable;
    return errorOutcome({ code: "SYSTEM:CodeLoad", message: `could not load task '${template.id?.name ?? "?"}': ${message}`, kind: "SYSTEM", recoverable }, workerId);
  }
  const result = await task.run({
    executionId: assignment.executionName,
    nodeId: assignment.nodeId,
    attempt: assignment.retryAttempt,
    task: template,
    inputs: assignment.inputs ?? create(LiteralMapSchema),
    signal,
  });
  switch (result.kind) {
    case "success":
      return { case: "outputs", value: result.outputs };
    case "failure":
      return errorOutcome(result.error, workerId);
    case "dynamic":
      return { case: "futures", value: location.bundleUrl !== undefined ? withBundle(result.spec, location.bundleUrl) : result.spec };
  }
}

/** The outcome of an attempt that threw something the SDK did not catch (see log-capture.ts). */
export function crashOutcome(err: unknown, workerId: string): AttemptOutcome {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return errorOutcome({ code: "USER:Uncaught", message: `the task left an error uncaught: ${message}`, kind: "USER", recoverable: false }, workerId);
}

/** A SYSTEM failure that retrying will not fix. */
export function systemFailure(code: string, message: string, recoverable = false): TaskFailure {
  return { code, message, kind: "SYSTEM", recoverable };
}

/** An error outcome from a failure record. */
export function errorOutcome(failure: TaskFailure, workerId: string): AttemptOutcome {
  return { case: "error", value: errorDocumentOf(failure, workerId) };
}

/** Flyte's error document (`error.pb`) of a failure. */
export function errorDocumentOf(failure: TaskFailure, workerId: string): ErrorDocument {
  return create(ErrorDocumentSchema, {
    error: {
      code: failure.code,
      message: failure.message,
      kind: failure.recoverable ? ContainerError_Kind.RECOVERABLE : ContainerError_Kind.NON_RECOVERABLE,
      origin: failure.kind === "USER" ? ExecutionError_ErrorKind.USER : ExecutionError_ErrorKind.SYSTEM,
      timestamp: timestampNow(),
      worker: workerId,
    },
  });
}

/**
 * The tasks a dynamic body calls run from the same bundle as the dynamic task: their templates
 * get its fast-execute prefix (the SDK writes them with the plain `flyte execute` args).
 */
function withBundle(spec: DynamicJobSpec, bundleUrl: string): DynamicJobSpec {
  for (const task of spec.tasks) {
    if (task.target.case === "container") task.target.value.args = withFastExecute(task.target.value.args, bundleUrl);
  }
  return spec;
}
