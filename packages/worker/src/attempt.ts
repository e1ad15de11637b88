/**
 * One attempt of one task, from assignment to outcome: find the task's code, run it through the
 * SDK (the worker's copy, which the bundle imports; a format 2 bundle's own), and turn the
 * result into what `Complete` reports — outputs, an error document, or a dynamic task's job spec.
 * An eager task's awaited calls run on the server as child nodes while the attempt runs
 * (remote-eager.ts).
 */
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { TaskFailure } from "@flyte/engine";
import { ContainerError_Kind, ErrorDocumentSchema, type ErrorDocument } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Assignment, CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { CodeLoadError } from "./code-errors.ts";
import type { CodeLoader } from "./code-loader.ts";
import { RemoteEagerController, type RunEagerChildCall } from "./remote-eager.ts";
import { parseTaskArgs, specWithBundle, type TaskLocation } from "./task-args.ts";

/** What an attempt reports: `CompleteRequest.outcome`. */
export type AttemptOutcome = CompleteRequest["outcome"];

/**
 * Runs `assignment`; never throws (every problem becomes an error outcome). An eager task's calls
 * go to the server through `runEagerChild` (remote-eager.ts); without it, eager tasks fail.
 */
export async function runAssignment(
  assignment: Assignment,
  loader: CodeLoader,
  signal: AbortSignal,
  workerId: string,
  runEagerChild?: RunEagerChildCall,
  endpoint?: string,
): Promise<AttemptOutcome> {
  const template = assignment.task;
  if (template === undefined) return errorOutcome(systemFailure("SYSTEM:BadAssignment", "the assignment has no task template"), workerId);
  const isEager = template.metadata?.isEager === true;
  if (isEager && runEagerChild === undefined) {
    return errorOutcome(systemFailure("SYSTEM:EagerUnsupported", "this worker was given no way to run an eager task's calls on the server (RunEagerChild)"), workerId);
  }
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
    // Files, directories and dataframes go straight to the server's store, streamed (not through RPCs).
    ...(endpoint !== undefined ? { rawOutputBase: rawOutputBaseOf(endpoint, assignment) } : {}),
    // The bundle runtime's flytekit routes the eager body's awaited calls to `request.eager`.
    ...(isEager && runEagerChild !== undefined ? { eager: eagerController(runEagerChild, assignment, location, signal, workerId) } : {}),
  });
  switch (result.kind) {
    case "success":
      return { case: "outputs", value: result.outputs };
    case "failure":
      return errorOutcome(result.error, workerId);
    case "dynamic":
      return { case: "futures", value: location.bundleUrl !== undefined ? specWithBundle(result.spec, location.bundleUrl) : result.spec };
  }
}

function eagerController(call: RunEagerChildCall, assignment: Assignment, location: TaskLocation, signal: AbortSignal, workerId: string): RemoteEagerController {
  return new RemoteEagerController(call, {
    workerId,
    attemptId: assignment.attemptId,
    nodeId: assignment.nodeId,
    signal,
    ...(location.bundleUrl !== undefined ? { bundleUrl: location.bundleUrl } : {}),
  });
}

/** `<endpoint>/download/<project>/<domain>/raw`: where the attempt's raw data goes (the server's store). */
export function rawOutputBaseOf(endpoint: string, assignment: Assignment): string {
  const base = endpoint.replace(/\/+$/, "");
  const segment = (s: string, fallback: string) => encodeURIComponent(s !== "" ? s : fallback);
  return `${base}/download/${segment(assignment.project, "default")}/${segment(assignment.domain, "default")}/raw`;
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

