import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  ExecutionSchema,
  WorkflowExecutionGetRequestSchema,
  type WorkflowExecutionGetRequest,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import grpc from "@grpc/grpc-js";
import { grpcUnaryFastPath, type FastUnaryMethod } from "./grpc-unary-fast-path.ts";
import { routeStreamsFirst } from "./stream-routing.ts";
import { callRaw, startFastPathServer, type FastPathServer } from "../testdata/grpc-fast-path-server.ts";

const PATH = "/flyteidl.service.AdminService/GetExecution";

/** A grpc-js call of `PATH` with raw bytes. */
const call = (client: grpc.Client, request: Uint8Array): Promise<Uint8Array> => callRaw(client, PATH, request);

const getRequest = (name: string): Uint8Array => toBinary(WorkflowExecutionGetRequestSchema, create(WorkflowExecutionGetRequestSchema, { id: { project: "p", domain: "d", name } }));

// A real HTTP/2 server and Flyte's kind of client (grpc-js): the direct path must answer exactly as
// the router would — the message, the status codes and the messages' text.
describe("the direct gRPC path of a unary method", () => {
  let server: FastPathServer;
  let client: grpc.Client;

  before(async () => {
    const method: FastUnaryMethod<typeof WorkflowExecutionGetRequestSchema, typeof ExecutionSchema> = {
      path: PATH,
      input: WorkflowExecutionGetRequestSchema,
      output: ExecutionSchema,
      call: (req: WorkflowExecutionGetRequest) => {
        const name = req.id?.name ?? "";
        if (name === "missing") throw new ConnectError("GetExecution: execution 'p/d/missing' does not exist; list executions with ListExecutions", Code.NotFound);
        if (name === "broken") throw new Error("a bug");
        return { id: { project: "p", domain: "d", name: `seen ${name}` } };
      },
    };
    const fast = grpcUnaryFastPath([method], { readMaxBytes: 1_000 });
    server = await startFastPathServer(fast);
    client = server.client;
  });

  after(async () => {
    await server.close();
  });

  test("answers with the implementation's message", async () => {
    const execution = fromBinary(ExecutionSchema, await call(client, getRequest("e1")));
    assert.equal(execution.id?.name, "seen e1");
    assert.equal(server.fellThrough(), 0);
  });

  test("an implementation's error is its status, with its message as the client shows it", async () => {
    await assert.rejects(call(client, getRequest("missing")), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.NOT_FOUND);
      assert.equal(e.details, "GetExecution: execution 'p/d/missing' does not exist; list executions with ListExecutions");
      return true;
    });
    await assert.rejects(call(client, getRequest("broken")), (e: grpc.ServiceError) => e.code === grpc.status.INTERNAL && e.details === "internal error");
  });

  test("malformed protobuf is INVALID_ARGUMENT, an oversized request RESOURCE_EXHAUSTED; the path keeps serving", async () => {
    await assert.rejects(call(client, Uint8Array.of(0x0a, 0xff, 0xff)), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && e.details.startsWith("parse binary:"));
    await assert.rejects(call(client, getRequest("x".repeat(2_000))), (e: grpc.ServiceError) => e.code === grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(fromBinary(ExecutionSchema, await call(client, getRequest("e2"))).id?.name, "seen e2");
  });

  test("other protocols, versions and encodings are left to the router", () => {
    const fast = grpcUnaryFastPath([], { readMaxBytes: 1_000 });
    const stream = {} as http2.ServerHttp2Stream;
    const headers = (fields: object) => ({ ":method": "POST", ":path": PATH, "content-type": "application/grpc", ...fields }) as http2.IncomingHttpHeaders;
    assert.equal(fast(stream, headers({})), false, "a method not on the path");
    const served = grpcUnaryFastPath([{ path: PATH, input: WorkflowExecutionGetRequestSchema, output: ExecutionSchema, call: () => ({}) }], { readMaxBytes: 1_000 });
    assert.equal(served(stream, headers({ ":method": "GET" })), false, "not a POST");
    assert.equal(served(stream, headers({ "content-type": "application/proto" })), false, "the Connect protocol");
    assert.equal(served(stream, headers({ "content-type": "application/grpc+json" })), false, "JSON");
    assert.equal(served(stream, headers({ "content-type": "application/grpc", "grpc-encoding": "gzip" })), false, "a compressed request");
  });
});

// The path answers on the HTTP/2 stream itself: Node's compatibility layer (Http2ServerRequest and
// Http2ServerResponse, a Readable per body, wrapped writes) must not run for its calls, which cost
// the server a sixth more CPU per call with it (docs/benchmarks.md, ninth round); the calls it
// declines still reach the request handler.
describe("the direct gRPC path, routed by stream", () => {
  test("its calls never reach the request handler; the calls it declines do", async () => {
    const requests: string[] = [];
    const server = http2.createServer((req, res) => {
      requests.push(req.url);
      res.writeHead(200, { "content-type": "application/grpc" });
      res.addTrailers({ "grpc-status": "0" });
      res.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    const get: FastUnaryMethod<typeof WorkflowExecutionGetRequestSchema, typeof ExecutionSchema> = {
      path: PATH,
      input: WorkflowExecutionGetRequestSchema,
      output: ExecutionSchema,
      call: (req) => ({ id: { name: `seen ${req.id?.name ?? ""}` } }),
    };
    routeStreamsFirst(server, grpcUnaryFastPath([get] as FastUnaryMethod[], { readMaxBytes: 1_000 }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = new grpc.Client(`127.0.0.1:${(server.address() as AddressInfo).port}`, grpc.credentials.createInsecure());
    try {
      for (let i = 0; i < 3; i++) assert.equal(fromBinary(ExecutionSchema, await call(client, getRequest(`e${i}`))).id?.name, `seen e${i}`);
      assert.deepEqual(requests, [], "the direct path's calls built no compatibility objects");
      await callRaw(client, "/flyteidl.service.AdminService/GetTask", new Uint8Array());
      assert.deepEqual(requests, ["/flyteidl.service.AdminService/GetTask"], "a method off the path went to the request handler");
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("routing refuses a server without the compatibility layer's listener, which would drop every other stream", () => {
    assert.throws(() => routeStreamsFirst(http2.createServer(), () => false), /no 'stream' listener/);
  });

  test("a call the client cancels while it runs neither throws nor stops the path", async () => {
    const { promise: started, resolve: start } = Promise.withResolvers<void>();
    const { promise: release, resolve: finish } = Promise.withResolvers<void>();
    const slow: FastUnaryMethod<typeof WorkflowExecutionGetRequestSchema, typeof ExecutionSchema> = {
      path: PATH,
      input: WorkflowExecutionGetRequestSchema,
      output: ExecutionSchema,
      call: async (req) => {
        if (req.id?.name === "slow") {
          start();
          await release;
        }
        return { id: { name: `seen ${req.id?.name ?? ""}` } };
      },
    };
    const fast = grpcUnaryFastPath([slow] as FastUnaryMethod[], { readMaxBytes: 1_000 });
    const { promise: reset, resolve: onReset } = Promise.withResolvers<void>();
    // The server's side of each stream is watched, so the answer is made only once the reset arrived.
    const served = await startFastPathServer((stream, headers) => {
      stream.once("close", () => onReset());
      return fast(stream, headers);
    });
    try {
      const cancelled = new Promise<grpc.ServiceError>((resolve) => {
        const c = served.client.makeUnaryRequest(PATH, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, getRequest("slow"), (err) => resolve(err as grpc.ServiceError));
        void started.then(() => c.cancel());
      });
      assert.equal((await cancelled).code, grpc.status.CANCELLED);
      await reset;
      // The implementation ends after its stream was reset: the answer has nowhere to go.
      finish();
      assert.equal(fromBinary(ExecutionSchema, await call(served.client, getRequest("after"))).id?.name, "seen after");
      assert.equal(served.fellThrough(), 0);
    } finally {
      await served.close();
    }
  });
});
