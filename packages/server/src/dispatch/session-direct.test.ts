// The session's direct path (session-direct.ts) on a real HTTP/2 server with nothing behind it
// (a request it leaves alone gets 404), against connect-es's own Connect and gRPC clients: the
// same hand-outs, acks and errors the router served.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import { compressionGzip, createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { Channel, type TaskRunRequest } from "@flyte/engine";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { CompletionAck_Status, SessionRequestSchema, WorkerService, type SessionRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { openDatabase, type Database } from "../db/database.ts";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { intMap, intsOf } from "../testing/literals.ts";
import { TestSession } from "../testing/test-session.ts";
import { EnvelopeReader } from "@flyte/engine";
import { pendingFrames, sessionDirectPath, type TakesNow } from "./session-direct.ts";
import { WorkerTaskRunner } from "./worker-task-runner.ts";

const task = create(TaskTemplateSchema, {
  id: { project: "p", domain: "d", name: "t", version: "v" },
  target: { case: "container", value: { args: ["run", "--additional-distribution", "http://x/b.tgz"] } },
});

describe("the session's direct path", { timeout: 120_000 }, () => {
  let dir: string;
  let db: Database;
  let queue: AttemptQueue;
  let runner: WorkerTaskRunner;
  let server: http2.Http2Server;
  let url: string;
  let served = 0;
  let left = 0;
  let execution = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyte-session-direct-"));
    db = openDatabase(join(dir, "flyte.db"), { fsync: false });
    queue = new AttemptQueue(db);
    runner = new WorkerTaskRunner({ queue, expiryCheckMs: 3_600_000 });
    // Acks that may wait, wait an hour: every ack these tests get goes at once because its worker
    // has no credit left (it may be waiting for the ack to grant more), or with the stream's end.
    const direct = sessionDirectPath({ queue, runner, ackDelayMs: 3_600_000 }, { readMaxBytes: 1024 });
    server = http2.createServer((req, res) => {
      const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
      if (direct(req, res, pathname)) {
        served++;
        return;
      }
      left++;
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not on the direct path\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    runner.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (): TaskRunRequest => ({
    executionId: `p:d:e${++execution}`, nodeId: "n0", attempt: 0, task, inputs: intMap({ x: 1 }), signal: new AbortController().signal,
  });

  for (const [name, transport] of [
    ["Connect", (): Transport => createConnectTransport({ baseUrl: url, httpVersion: "2" })],
    ["gRPC", (): Transport => createGrpcTransport({ baseUrl: url })],
  ] as const) {
    test(`over ${name}: an attempt is handed out, its completion recorded and acknowledged (at once: the worker has no credit left), a second one answered DUPLICATE`, async () => {
      const client = createClient(WorkerService, transport());
      const before = served;
      const w = new TestSession((requests, signal) => client.session(requests, { signal }), { workerId: `w-${name}`, credit: 1 });
      try {
        const pending = runner.run(request());
        const a = await w.next();
        assert.equal(a.bundleUrl, "http://x/b.tgz");
        assert.ok(a.leaseExpiresAt > 0n);
        assert.equal(await w.complete({ attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: 2 }) } }), CompletionAck_Status.RECORDED);
        const result = await pending;
        assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 2n });
        assert.equal(await w.complete({ attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: 3 }) } }), CompletionAck_Status.DUPLICATE);
        assert.equal(await w.complete({ attemptId: "999999", outcome: { case: "outputs", value: intMap({ o0: 3 }) } }), CompletionAck_Status.UNKNOWN_ATTEMPT);
      } finally {
        await w.close();
      }
      assert.equal(served, before + 1, "one stream, served on the direct path");
    });

    test(`over ${name}: a session whose first message names no worker ends with INVALID_ARGUMENT and the session's text`, async () => {
      const client = createClient(WorkerService, transport());
      await assert.rejects(drain(client, [create(SessionRequestSchema, { credit: 1 })]), (error: unknown) => {
        const e = ConnectError.from(error);
        assert.equal(e.code, Code.InvalidArgument);
        assert.match(e.rawMessage, /^Session needs worker_id in its first message/);
        return true;
      });
    });

    test(`over ${name}: a message larger than the limit ends the stream with RESOURCE_EXHAUSTED`, async () => {
      const client = createClient(WorkerService, transport());
      await assert.rejects(drain(client, [create(SessionRequestSchema, { workerId: "x".repeat(2048) })]), (error: unknown) => {
        assert.equal(ConnectError.from(error).code, Code.ResourceExhausted);
        return true;
      });
    });
  }

  test("the worker ending its side gets the acks of what it sent, then the end of the stream", async () => {
    const client = createClient(WorkerService, createConnectTransport({ baseUrl: url, httpVersion: "2" }));
    const w = new TestSession((requests, signal) => client.session(requests, { signal }), { workerId: "w-end", credit: 1 });
    const pending = runner.run(request());
    const a = await w.next();
    await w.close();
    // The session ended after the completion's ack; the attempt is still the worker's, unfinished.
    const responses = await drain(client, [
      create(SessionRequestSchema, { workerId: "w-end", heldAttemptIds: [a.attemptId], completions: [{ attemptId: a.attemptId, leaseToken: a.leaseToken, outcome: { case: "outputs", value: intMap({ o0: 5 }) } }] }),
    ]);
    assert.deepEqual(
      responses.flatMap((r) => r.acks.map((ack) => [ack.attemptId, ack.status])),
      [[a.attemptId, CompletionAck_Status.RECORDED]],
    );
    const result = await pending;
    assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 5n });
  });

  test("a stream it does not serve (JSON, compressed) is left to the next handler", async () => {
    const before = left;
    const json = createClient(WorkerService, createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: false }));
    await assert.rejects(drain(json, [create(SessionRequestSchema, { workerId: "j" })]));
    const gzip = createClient(WorkerService, createConnectTransport({ baseUrl: url, httpVersion: "2", sendCompression: compressionGzip, compressMinBytes: 0 }));
    await assert.rejects(drain(gzip, [create(SessionRequestSchema, { workerId: "g" })]));
    assert.equal(left, before + 2);
  });
});

describe("pendingFrames", () => {
  /** An outbox that answers `items` in turn, then nothing. */
  const outbox = (...items: Array<ReturnType<TakesNow["takeNow"]>>): TakesNow => ({ takeNow: () => items.shift() });

  test("writes every message the outbox holds, in order, and its end after them (it used to throw on a second one)", () => {
    const { frame, end } = pendingFrames(outbox(new Uint8Array([1]), new Uint8Array([2, 3]), { end: true, error: undefined }));
    assert.deepEqual(end, { end: true, error: undefined });
    assert.ok(frame !== undefined);
    const frames = new EnvelopeReader(1024).read(frame);
    assert.deepEqual(frames.map((f) => [f.flags, [...f.data]]), [[0, [1]], [0, [2, 3]]]);
  });

  test("nothing pending: no frame and no end; one message: one frame", () => {
    assert.deepEqual(pendingFrames(outbox()), { frame: undefined, end: undefined });
    const one = pendingFrames(outbox(new Uint8Array([7])));
    assert.equal(one.end, undefined);
    assert.deepEqual([...(one.frame ?? [])], [0, 0, 0, 0, 1, 7]);
  });
});

/** Sends `messages`, ends the request side, and reads every response until the stream ends. */
async function drain(client: Client<typeof WorkerService>, messages: readonly SessionRequest[]) {
  const requests = new Channel<SessionRequest>();
  for (const m of messages) requests.push(m);
  requests.end();
  const responses = [];
  for await (const res of client.session(requests)) responses.push(res);
  return responses;
}
