/**
 * What a worker reported for an attempt, as the queue keeps it and as the engine needs it. The
 * queue's `result` column holds a `CompleteRequest` without its log (the log goes to the blob
 * store), so a completion recorded before a restart is read back exactly as it arrived.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { TaskFailure, TaskRunResult } from "@flyte/engine";
import { ContainerError_Kind, type ErrorDocument } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { CompleteRequestSchema, type CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { AttemptState } from "../queue/queue-types.ts";

/** Codes of failures the server itself decides. */
export const dispatchErrorCodes = {
  /** The worker holding the attempt stopped heartbeating (killed, partitioned). */
  leaseExpired: "SYSTEM:LeaseExpired",
  /** The attempt was cancelled (terminate, timeout) before a worker reported it. */
  cancelled: "SYSTEM:AttemptCancelled",
  /** The worker's report carried no outcome. */
  noOutcome: "SYSTEM:NoOutcome",
} as const;

/** The bytes the queue keeps for a completion: the report without its log. */
export function encodeCompletion(request: CompleteRequest): Uint8Array {
  return toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { ...request, log: "" }));
}

/** The engine's view of a recorded completion. */
export function outcomeOfCompletion(bytes: Uint8Array): TaskRunResult {
  return outcomeOf(fromBinary(CompleteRequestSchema, bytes));
}

/** Maps a worker's report to the engine's result. */
export function outcomeOf(request: CompleteRequest): TaskRunResult {
  const outcome = request.outcome;
  switch (outcome.case) {
    case "outputs":
      return { kind: "success", outputs: outcome.value };
    case "futures":
      return { kind: "dynamic", spec: outcome.value };
    case "error":
      return { kind: "failure", error: failureOf(outcome.value) };
    default:
      return {
        kind: "failure",
        error: {
          code: dispatchErrorCodes.noOutcome,
          kind: "SYSTEM",
          recoverable: true,
          message: `Worker "${request.workerId}" completed the attempt without outputs, an error or futures.`,
        },
      };
  }
}

/** An `ErrorDocument` as the engine's failure: blame from `origin`, retryability from `kind`. */
export function failureOf(document: ErrorDocument): TaskFailure {
  const error = document.error;
  const kind = error?.origin === ExecutionError_ErrorKind.SYSTEM ? "SYSTEM" : "USER";
  const code = error?.code === undefined || error.code === "" ? `${kind}:Unknown` : error.code;
  return {
    code,
    kind,
    recoverable: error?.kind === ContainerError_Kind.RECOVERABLE,
    message: error?.message ?? "The task failed without a message.",
  };
}

/** The result of an attempt the queue found already ended, or undefined while it may still run. */
export function outcomeOfEnded(state: AttemptState, result: Uint8Array | undefined, what: string): TaskRunResult | undefined {
  switch (state) {
    case "completed":
      return result === undefined ? undefined : outcomeOfCompletion(result);
    case "expired":
      return leaseExpired(what);
    case "cancelled":
      return {
        kind: "failure",
        error: { code: dispatchErrorCodes.cancelled, kind: "SYSTEM", recoverable: true, message: `${what} was cancelled before a worker reported it.` },
      };
    default:
      return undefined;
  }
}

/** The failure of an attempt whose worker stopped heartbeating: a recoverable SYSTEM error. */
export function leaseExpired(what: string): TaskRunResult {
  return {
    kind: "failure",
    error: {
      code: dispatchErrorCodes.leaseExpired,
      kind: "SYSTEM",
      recoverable: true,
      message: `${what} lost its worker: the lease expired without a heartbeat (worker killed or unreachable); retrying as a system error.`,
    },
  };
}
