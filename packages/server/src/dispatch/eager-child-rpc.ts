/**
 * `WorkerService.RunEagerChild`: a call an eager task's body awaits on a worker, run by the engine
 * as a recorded child node of the attempt's node. The handler checks that the caller holds the
 * attempt's lease, hands the spec to the attempt's `EagerController` (through {@link EagerCalls},
 * so a repeated call joins the first) and answers when the child has ended. Children still
 * running when the attempt ends are aborted by the engine, which answers their calls.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { EagerChildResult } from "@flyte/engine";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { RunEagerChildResponseSchema, type RunEagerChildRequest, type RunEagerChildResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import type { WorkerTaskRunner } from "./worker-task-runner.ts";

/** What the handler works on. */
export interface EagerChildEnv {
  readonly queue: AttemptQueue;
  readonly runner: WorkerTaskRunner;
  /** Aborted on shutdown: open calls answer UNAVAILABLE, and the worker calls again later. */
  readonly closing?: AbortSignal;
}

/** Handles one `RunEagerChild`; throws ConnectErrors a worker can act on. */
export async function runEagerChild(env: EagerChildEnv, req: RunEagerChildRequest): Promise<RunEagerChildResponse> {
  const id = Number(req.attemptId);
  if (!/^\d+$/.test(req.attemptId) || !Number.isSafeInteger(id)) {
    throw new ConnectError(`RunEagerChild got attempt_id '${req.attemptId}', which is not an id this server issued; pass the Assignment's attempt_id`, Code.InvalidArgument);
  }
  if (req.spec === undefined) throw new ConnectError("RunEagerChild needs a spec: the DynamicJobSpec of the call", Code.InvalidArgument);
  const row = await env.queue.get(id);
  if (row === undefined) throw new ConnectError(`RunEagerChild: attempt ${id} was never issued by this server`, Code.NotFound);
  const what = `attempt ${row.attempt + 1} of node "${row.nodeId}" in execution "${row.executionId}" (attempt id ${id})`;
  if (row.state !== "leased" || row.workerId !== req.workerId) {
    const where = row.state === "leased" ? `leased by worker "${row.workerId ?? "?"}"` : row.state;
    throw new ConnectError(
      `RunEagerChild: ${what} is ${where}, not running on worker "${req.workerId}"; only the current holder of an attempt's lease can run its eager calls`,
      Code.FailedPrecondition,
    );
  }
  const calls = env.runner.eagerCallsOf(id);
  if (calls === undefined) {
    // Leased by the caller, yet no eager attempt waits on it here: a server resuming its executions
    // after a restart has not reached it yet (retry), or it is not an eager task (a client's bug).
    throw new ConnectError(`RunEagerChild: the server is not waiting on ${what} as an eager task (yet: it may be resuming after a restart); call again shortly`, Code.Unavailable);
  }
  const child = { spec: req.spec, interface: req.interface ?? create(TypedInterfaceSchema) };
  const result = await untilClosing(calls.run(req.callIndex, child), env.closing);
  return responseOf(result);
}

/** The child's result as the protocol carries it. */
export function responseOf(result: EagerChildResult): RunEagerChildResponse {
  if (result.ok) return create(RunEagerChildResponseSchema, { childId: result.childId, outcome: { case: "outputs", value: result.outputs } });
  const { code, message, kind } = result.error;
  const errorKind = kind === "SYSTEM" ? ExecutionError_ErrorKind.SYSTEM : ExecutionError_ErrorKind.USER;
  return create(RunEagerChildResponseSchema, { childId: result.childId, outcome: { case: "error", value: { code, message, kind: errorKind } } });
}

function untilClosing<T>(work: Promise<T>, closing: AbortSignal | undefined): Promise<T> {
  if (closing === undefined) return work;
  const shutdown = (): ConnectError => new ConnectError("RunEagerChild: the server is shutting down; call again once it is back", Code.Unavailable);
  if (closing.aborted) return Promise.reject(shutdown());
  return new Promise<T>((resolve, reject) => {
    const onClose = (): void => reject(shutdown());
    closing.addEventListener("abort", onClose, { once: true });
    work.then(resolve, reject).finally(() => closing.removeEventListener("abort", onClose));
  });
}
