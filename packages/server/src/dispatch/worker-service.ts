/**
 * `flyte.worker.v1.WorkerService` on the server: workers long-poll `Lease`, keep leases alive
 * with `Heartbeat` (which tells them what was cancelled), run an eager task's calls as child
 * nodes with `RunEagerChild` (eager-child-rpc.ts) and report with `Complete`, which
 * records the outcome and the log exactly once in the attempt's queue row and wakes the waiting
 * runner in-process. Outcomes and logs stay in the database: no file per attempt.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  AppendLogResponseSchema,
  AssignmentSchema,
  CompleteResponseSchema,
  CompleteResponse_Status,
  HeartbeatResponseSchema,
  LeaseResponseSchema,
  type WorkerService,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import { isQueueError } from "../queue/queue-error.ts";
import { encodeCompletion } from "./attempt-outcome.ts";
import { spliceLog } from "./attempt-log.ts";
import { runEagerChild } from "./eager-child-rpc.ts";
import type { WorkerTaskRunner } from "./worker-task-runner.ts";

/** Defaults and bounds of the worker protocol. */
export const WORKER_PROTOCOL = {
  /** Lease length when a worker asks for 0. */
  defaultLeaseMs: 30_000,
  /** Longest long poll; longer waits are cut to this. */
  maxWaitMs: 30_000,
  /** Most attempts one Lease call hands out. */
  maxLease: 64,
} as const;

/** What the handlers work on. */
export interface WorkerServiceEnv {
  readonly queue: AttemptQueue;
  readonly runner: WorkerTaskRunner;
  /** Aborted on shutdown: ends every long poll at once. */
  readonly closing?: AbortSignal;
}

/** The handlers, plus `settled()` for shutdown (nothing outlives a handler call now). */
export function workerService(env: WorkerServiceEnv): ServiceImpl<typeof WorkerService> & { settled(): Promise<void> } {
  const { queue, runner } = env;

  return {
    async lease(req, ctx) {
      if (req.workerId === "") throw new ConnectError("Lease needs a worker_id naming the worker; send a stable id per worker process", Code.InvalidArgument);
      const leased = await queue.leaseOrWait(req.workerId, {
        max: Math.min(Math.max(1, req.max), WORKER_PROTOCOL.maxLease),
        leaseMs: req.leaseMs === 0 ? WORKER_PROTOCOL.defaultLeaseMs : req.leaseMs,
        waitMs: Math.min(req.waitMs, WORKER_PROTOCOL.maxWaitMs),
        signal: env.closing === undefined ? ctx.signal : AbortSignal.any([ctx.signal, env.closing]),
      });
      const assignments = leased.map((attempt) => {
        const assignment = fromBinary(AssignmentSchema, attempt.payload);
        assignment.attemptId = String(attempt.id);
        assignment.leaseExpiresAt = BigInt(attempt.leaseUntil);
        return assignment;
      });
      return create(LeaseResponseSchema, { assignments });
    },

    async heartbeat(req) {
      const ids = req.attemptIds.map(Number).filter((id) => Number.isSafeInteger(id));
      const held = new Set(await queue.heartbeat(req.workerId, ids, req.leaseMs === 0 ? WORKER_PROTOCOL.defaultLeaseMs : req.leaseMs));
      return create(HeartbeatResponseSchema, { cancelledAttemptIds: req.attemptIds.filter((id) => !held.has(Number(id))) });
    },

    async complete(req) {
      const id = Number(req.attemptId);
      if (!/^\d+$/.test(req.attemptId) || !Number.isSafeInteger(id)) {
        throw new ConnectError(`Complete got attempt_id '${req.attemptId}', which is not an id this server issued; pass the Assignment's attempt_id`, Code.InvalidArgument);
      }
      let outcome: Awaited<ReturnType<AttemptQueue["complete"]>>;
      const recorded = encodeCompletion(req);
      try {
        // The runner wakes as soon as the completion is recorded, before its fsync: the engine's
        // reaction (node events, the next attempt's enqueue) then shares that fsync'd commit, and
        // the answer below still waits for it (AttemptQueue.complete).
        outcome = await queue.complete(id, req.workerId, recorded, () => runner.completed(id, recorded), req.log);
      } catch (error) {
        if (isQueueError(error) && error.code === "E_ATTEMPT_NOT_FOUND") throw new ConnectError(error.message, Code.NotFound);
        throw error;
      }
      const status =
        outcome === "recorded" ? CompleteResponse_Status.RECORDED : outcome === "duplicate" ? CompleteResponse_Status.DUPLICATE : CompleteResponse_Status.LEASE_LOST;
      return create(CompleteResponseSchema, { status });
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
