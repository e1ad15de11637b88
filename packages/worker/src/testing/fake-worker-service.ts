/**
 * A small in-memory WorkerService for the worker's tests: attempts are pushed by the test,
 * leased by the worker, and completions recorded. Eager calls (`RunEagerChild`) are recorded and
 * answered by {@link FakeWorkerService.eagerChild}, which a test sets. Also serves code bundles at
 * /bundles/<name> and counts downloads.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  AssignmentSchema,
  CompleteResponse_Status,
  WorkerService,
  type Assignment,
  type CompleteRequest,
  type AppendLogRequest,
  type HeartbeatRequest,
  type RunEagerChildRequest,
  type RunEagerChildResponseSchema,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";

/** The fake server. */
export class FakeWorkerService {
  url = "";
  readonly queue: Assignment[] = [];
  readonly completions: CompleteRequest[] = [];
  readonly heartbeats: HeartbeatRequest[] = [];
  /** Every `RunEagerChild` request, in arrival order. */
  readonly eagerCalls: RunEagerChildRequest[] = [];
  /**
   * Answers `RunEagerChild` (throw a ConnectError to fail the call); by default every call is
   * UNIMPLEMENTED.
   */
  eagerChild: (req: RunEagerChildRequest) => MessageInitShape<typeof RunEagerChildResponseSchema> | Promise<MessageInitShape<typeof RunEagerChildResponseSchema>> = () => {
    throw new ConnectError("this test gave the fake no eagerChild answer", Code.Unimplemented);
  };
  /** Every `AppendLog` request, in arrival order. */
  readonly logChunks: AppendLogRequest[] = [];
  /** Attempt ids the next heartbeats answer as cancelled. */
  readonly cancelled = new Set<string>();
  readonly bundles = new Map<string, string | Uint8Array>();
  readonly downloads = new Map<string, number>();
  readonly #waiters: Array<() => void> = [];
  readonly #completionWaiters: Array<() => void> = [];
  #server: http.Server | undefined;

  async start(): Promise<this> {
    const rpc = connectNodeAdapter({
      routes: (router) =>
        router.service(WorkerService, {
          lease: async (req, ctx) => {
            if (this.queue.length === 0) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, req.waitMs);
                this.#waiters.push(() => (clearTimeout(timer), resolve()));
                ctx.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()));
              });
            }
            return { assignments: this.queue.splice(0, req.max) };
          },
          heartbeat: (req) => {
            this.heartbeats.push(req);
            return { cancelledAttemptIds: req.attemptIds.filter((id) => this.cancelled.has(id)) };
          },
          complete: (req) => {
            this.completions.push(req);
            this.#completionWaiters.splice(0).forEach((w) => w());
            return { status: CompleteResponse_Status.RECORDED };
          },
          appendLog: (req) => {
            this.logChunks.push(req);
            return {};
          },
          runEagerChild: (req) => {
            this.eagerCalls.push(req);
            return this.eagerChild(req);
          },
        }),
    });
    this.#server = http.createServer((req, res) => {
      const m = /^\/bundles\/(.+)$/.exec(req.url ?? "");
      if (m === null) return rpc(req, res);
      const name = m[1]!;
      this.downloads.set(name, (this.downloads.get(name) ?? 0) + 1);
      const body = this.bundles.get(name);
      res.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Queues an attempt for the worker. */
  push(init: MessageInitShape<typeof AssignmentSchema>): Assignment {
    const a = create(AssignmentSchema, init);
    this.queue.push(a);
    this.#waiters.splice(0).forEach((w) => w());
    return a;
  }

  /** What `AppendLog` has written of `attemptId`'s log so far. */
  streamedLog(attemptId: string): string {
    let text = "";
    for (const c of this.logChunks) if (c.attemptId === attemptId) text = text.slice(0, Number(c.offset)) + c.text;
    return text;
  }

  /** Waits until the attempt `attemptId` is completed; returns the request. */
  async completion(attemptId: string, timeoutMs = 10_000): Promise<CompleteRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.completions.find((c) => c.attemptId === attemptId);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`attempt ${attemptId} was not completed within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 50);
        this.#completionWaiters.push(() => (clearTimeout(timer), r()));
      });
    }
  }

  async close(): Promise<void> {
    this.#waiters.splice(0).forEach((w) => w());
    this.#server?.closeAllConnections();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}
