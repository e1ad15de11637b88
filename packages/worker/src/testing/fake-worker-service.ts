/**
 * A small in-memory WorkerService for the worker's tests: attempts are pushed by the test and
 * handed to the worker's session within its credit; completions are recorded and acknowledged;
 * attempts a test adds to `cancelled` are cancelled on the session. Serves HTTP/2 (the session)
 * and HTTP/1.1 (bundle downloads) on one port, as the server does. Eager calls (`RunEagerChild`) are recorded and
 * answered by {@link FakeWorkerService.eagerChild}, which a test sets. Also serves code bundles at
 * /bundles/<name> and counts downloads.
 */
import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  AssignmentSchema,
  CompletionAck_Status,
  SessionResponseSchema,
  WorkerService,
  type Assignment,
  type CompleteRequest,
  type AppendLogRequest,
  type SessionRequest,
  type SessionResponse,
  type RunEagerChildRequest,
  type RunEagerChildResponseSchema,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";

/** The fake server. */
export class FakeWorkerService {
  url = "";
  readonly queue: Assignment[] = [];
  readonly completions: CompleteRequest[] = [];
  /** Every message of every session, in arrival order. */
  readonly messages: SessionRequest[] = [];
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
  /** Attempt ids the sessions cancel (within a few ms). */
  readonly cancelled = new Set<string>();
  readonly bundles = new Map<string, string | Uint8Array>();
  readonly downloads = new Map<string, number>();
  readonly #waiters: Array<() => void> = [];
  readonly #completionWaiters: Array<() => void> = [];
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();

  async start(): Promise<this> {
    const rpc = connectNodeAdapter({
      routes: (router) =>
        router.service(WorkerService, {
          session: (requests, ctx) => this.#session(requests, ctx.signal),
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
    const handle = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
      const m = /^\/bundles\/(.+)$/.exec(req.url ?? "");
      if (m === null) return rpc(req, res);
      const name = m[1]!;
      this.downloads.set(name, (this.downloads.get(name) ?? 0) + 1);
      const body = this.bundles.get(name);
      (res as http.ServerResponse).writeHead(body === undefined ? 404 : 200).end(body);
    };
    const h1 = http.createServer(handle);
    const h2 = http2.createServer(handle);
    // HTTP/2 without TLS starts with its preface ("PRI * HTTP/2.0"); anything else is HTTP/1.1.
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
      socket.once("data", (chunk) => {
        socket.pause();
        socket.unshift(chunk);
        if (chunk.toString("latin1", 0, 3) === "PRI") {
          h2.emit("connection", socket);
        } else {
          // The HTTP/1.1 server reads with a 'data' listener; the HTTP/2 one takes the buffered bytes itself.
          h1.emit("connection", socket);
          socket.resume();
        }
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async *#session(requests: AsyncIterable<SessionRequest>, signal: AbortSignal): AsyncGenerator<SessionResponse> {
    let credit = 0;
    let ended = false;
    const held = new Set<string>();
    let next = create(SessionResponseSchema);
    const reading = (async () => {
      for await (const req of requests) {
        this.messages.push(req);
        credit += req.credit;
        for (const id of req.heldAttemptIds) held.add(id);
        for (const c of req.completions) {
          held.delete(c.attemptId);
          this.completions.push(c);
          next.acks.push({ $typeName: "flyte.worker.v1.CompletionAck", attemptId: c.attemptId, status: CompletionAck_Status.RECORDED });
        }
        this.#completionWaiters.splice(0).forEach((w) => w());
      }
    })().finally(() => (ended = true));
    // A worker that cancels its stream (it stopped) fails the reading; the router may also end
    // this generator at a yield, before the reading is awaited below.
    reading.catch(() => undefined);
    while (!ended && !signal.aborted) {
      const assignments = this.queue.splice(0, credit);
      credit -= assignments.length;
      for (const a of assignments) held.add(a.attemptId);
      next.assignments.push(...assignments);
      for (const id of held) if (this.cancelled.has(id) && held.delete(id)) next.cancelledAttemptIds.push(id);
      if (next.assignments.length + next.acks.length + next.cancelledAttemptIds.length > 0) {
        const message = next;
        next = create(SessionResponseSchema);
        yield message;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10);
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    await reading.catch(() => undefined);
    if (next.acks.length > 0) yield next;
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

  /**
   * Waits until the attempt `attemptId` is completed; returns the request. The default bound is
   * generous: a first attempt includes a worker process's start, the bundle's download and an
   * isolate's load, which take tens of seconds on a busy machine.
   */
  async completion(attemptId: string, timeoutMs = 60_000): Promise<CompleteRequest> {
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
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}
