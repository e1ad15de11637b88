/**
 * A worker for the server's tests, on the generated WorkerService Connect client: it holds a
 * session (test-session.ts: reconnecting, as real workers do), runs integer functions by task
 * name, keeps its leases alive and completes. Functions:
 * inc (x+1), double (2x), add (x+y), cached_inc (x+1), boom (non-recoverable user error),
 * flaky (recoverable user error on attempt 0), slow (waits until cancelled or `release()`).
 * Tests add tasks of their own with `handlers` (eager tasks call the server from one).
 */
import { create } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ContainerError_Kind, ErrorDocumentSchema } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { WorkerService, type Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { TestSession } from "./test-session.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CompleteRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap, intsOf } from "./literals.ts";

/** A running test worker. */
export interface TestWorker {
  readonly client: Client<typeof WorkerService>;
  /** Assignments received, in order. */
  readonly seen: Assignment[];
  /** Attempts the server told this worker to stop. */
  readonly cancelled: string[];
  /** Lets every `slow` attempt finish. */
  release(): void;
  stop(): Promise<void>;
}

/** What a test's own task handler reports: `CompleteRequest.outcome`. */
export type TestOutcome = NonNullable<MessageInitShape<typeof CompleteRequestSchema>["outcome"]>;

/** A test's own task: runs an assignment with the worker's client and id. */
export type TestTaskHandler = (assignment: Assignment, client: Client<typeof WorkerService>, workerId: string) => Promise<TestOutcome>;

/** Starts a worker polling `baseUrl`. With `completeSlow: false`, `slow` attempts are never completed (a dead worker). */
export function startTestWorker(
  baseUrl: string,
  options: { id?: string; completeSlow?: boolean; leaseMs?: number; handlers?: Readonly<Record<string, TestTaskHandler>> } = {},
): TestWorker {
  const client = createClient(WorkerService, createConnectTransport({ baseUrl, httpVersion: "2" }));
  const workerId = options.id ?? `test-worker-${process.pid}`;
  const seen: Assignment[] = [];
  const cancelled: string[] = [];
  const stopping = new AbortController();
  let releaseSlow = Promise.withResolvers<void>();
  const running = new Set<Promise<void>>();

  const run = async (a: Assignment): Promise<void> => {
    const x = intsOf(a.inputs);
    const name = a.task?.id?.name ?? "";
    let outcome: TestOutcome;
    const error = (message: string, recoverable: boolean) => ({
      case: "error" as const,
      value: create(ErrorDocumentSchema, {
        error: { code: "USER:Error", message, kind: recoverable ? ContainerError_Kind.RECOVERABLE : ContainerError_Kind.NON_RECOVERABLE, origin: ExecutionError_ErrorKind.USER },
      }),
    });
    switch (name) {
      case "inc":
      case "cached_inc":
        outcome = { case: "outputs", value: intMap({ o0: (x["x"] ?? 0n) + 1n }) };
        break;
      case "double":
        outcome = { case: "outputs", value: intMap({ o0: (x["x"] ?? 0n) * 2n }) };
        break;
      case "add":
        outcome = { case: "outputs", value: intMap({ o0: (x["x"] ?? 0n) + (x["y"] ?? 0n) }) };
        break;
      case "boom":
        outcome = error(`boom on ${x["x"]}`, false);
        break;
      case "flaky":
        outcome = a.retryAttempt === 0 ? error("flaky the first time", true) : { case: "outputs", value: intMap({ o0: x["x"] ?? 0n }) };
        break;
      case "slow": {
        if (options.completeSlow === false) return;
        await Promise.race([releaseSlow.promise, cancelledNow(a.attemptId)]);
        outcome = { case: "outputs", value: intMap({ o0: x["x"] ?? 0n }) };
        break;
      }
      default: {
        const handler = options.handlers?.[name];
        outcome = handler !== undefined ? await handler(a, client, workerId) : error(`no function for task ${name}`, false);
      }
    }
    const request: MessageInitShape<typeof CompleteRequestSchema> = { workerId, attemptId: a.attemptId, outcome, log: `ran ${name} on ${JSON.stringify(x, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))}\n` };
    // Resent on a new stream until the server answers: a restarting server must still get the report.
    await session.complete(request);
    session.grant(1);
  };

  const cancelWaiters = new Map<string, () => void>();
  const cancelledNow = (attemptId: string): Promise<void> => new Promise((resolve) => cancelWaiters.set(attemptId, resolve));
  const session = new TestSession((requests, signal) => client.session(requests, { signal }), {
    workerId,
    leaseMs: options.leaseMs ?? 5000,
    credit: 8,
    reconnect: true,
    onAssigned: (assignments) => {
      for (const a of assignments) {
        seen.push(a);
        const p = run(a).finally(() => running.delete(p));
        running.add(p);
      }
    },
    onCancelled: (ids) => {
      cancelled.push(...ids);
      for (const id of ids) cancelWaiters.get(id)?.();
    },
  });
  // A dead worker (completeSlow: false) says nothing more, so its leases lapse.
  const keepAlive = options.completeSlow === false ? undefined : setInterval(() => session.send({}), Math.max(10, Math.floor((options.leaseMs ?? 5000) / 3)));

  return {
    client,
    seen,
    cancelled,
    release() {
      releaseSlow.resolve();
      releaseSlow = Promise.withResolvers<void>();
    },
    async stop() {
      stopping.abort();
      clearInterval(keepAlive);
      releaseSlow.resolve();
      await Promise.all([...running]);
      await session.close();
    },
  };
}
