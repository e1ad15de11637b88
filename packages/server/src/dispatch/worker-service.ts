/**
 * `flyte.worker.v1.WorkerService` on the server: each worker holds one `Session` stream
 * (worker-session.ts: credit and completions up, assignments, acks and cancellations down, leases
 * kept alive while it is open), runs an eager task's calls as child nodes with `RunEagerChild`
 * (eager-child-rpc.ts) and streams a running attempt's log with `AppendLog`. Outcomes and logs
 * stay in the database: no file per attempt.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { AppendLogResponseSchema, type WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import { spliceLog } from "./attempt-log.ts";
import { runEagerChild } from "./eager-child-rpc.ts";
import { workerSession } from "./worker-session.ts";
import type { WorkerTaskRunner } from "./worker-task-runner.ts";

/** What the handlers work on. */
export interface WorkerServiceEnv {
  readonly queue: AttemptQueue;
  readonly runner: WorkerTaskRunner;
  /** Aborted on shutdown: ends every session at once. */
  readonly closing?: AbortSignal;
}

/** The handlers, plus `settled()` for shutdown (nothing outlives a handler call now). */
export function workerService(env: WorkerServiceEnv): ServiceImpl<typeof WorkerService> & { settled(): Promise<void> } {
  const { queue, runner } = env;

  return {
    session(requests, ctx) {
      return workerSession(env, requests, ctx);
    },

    async appendLog(req) {
      const id = Number(req.attemptId);
      const row = /^\d+$/.test(req.attemptId) && Number.isSafeInteger(id) ? await queue.get(id) : undefined;
      if (row === undefined) throw new ConnectError(`AppendLog got attempt_id '${req.attemptId}', which is not an attempt of this server`, Code.NotFound);
      if (row.workerId !== req.workerId) {
        throw new ConnectError(`attempt id ${req.attemptId} was leased by '${row.workerId ?? "no worker"}', not '${req.workerId}'; only its worker writes its log`, Code.PermissionDenied);
      }
      // Chunks of one attempt apply in arrival order (the queue's writes are ordered).
      await queue.rewriteLog(id, (log) => spliceLog(log, Number(req.offset), req.text));
      return create(AppendLogResponseSchema, {});
    },

    // Eager calls: eager-child-rpc.ts.
    runEagerChild(req) {
      return runEagerChild({ queue, runner, ...(env.closing !== undefined ? { closing: env.closing } : {}) }, req);
    },

    /** Kept for shutdown: every write of these handlers is awaited by the handler itself. */
    async settled() {},
  };
}
