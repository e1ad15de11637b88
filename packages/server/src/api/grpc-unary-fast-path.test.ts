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

const PATH = "/flyteidl.service.AdminService/GetExecution";

/** A grpc-js call of `PATH` with raw bytes: resolves with the response bytes or rejects with the status. */
function call(client: grpc.Client, request: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(PATH, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => new Uint8Array(b), request, (err: grpc.ServiceError | null, value?: Uint8Array) =>
      err !== null ? reject(err) : resolve(value ?? new Uint8Array()),
    );
  });
}

const getRequest = (name: string): Uint8Array => toBinary(WorkflowExecutionGetRequestSchema, create(WorkflowExecutionGetRequestSchema, { id: { project: "p", domain: "d", name } }));

// A real HTTP/2 server and Flyte's kind of client (grpc-js): the direct path must answer exactly as
// the router would — the message, the status codes and the messages' text.
describe("the direct gRPC path of a unary method", () => {
  let server: http2.Http2Server;
  let client: grpc.Client;
  let fellThrough = 0;

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
    server = http2.createServer((req, res) => {
      if (fast(req, res)) return;
      fellThrough++;
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    client = new grpc.Client(`127.0.0.1:${(server.address() as AddressInfo).port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("answers with the implementation's message", async () => {
    const execution = fromBinary(ExecutionSchema, await call(client, getRequest("e1")));
    assert.equal(execution.id?.name, "seen e1");
    assert.equal(fellThrough, 0);
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
    const res = {} as http2.Http2ServerResponse;
    const req = (fields: object) => ({ httpVersion: "2.0", method: "POST", url: PATH, headers: { "content-type": "application/grpc" }, ...fields }) as unknown as http2.Http2ServerRequest;
    assert.equal(fast(req({}), res), false, "a method not on the path");
    const served = grpcUnaryFastPath([{ path: PATH, input: WorkflowExecutionGetRequestSchema, output: ExecutionSchema, call: () => ({}) }], { readMaxBytes: 1_000 });
    assert.equal(served(req({ httpVersion: "1.1" }), res), false, "HTTP/1.1 (gRPC-web, Connect)");
    assert.equal(served(req({ headers: { "content-type": "application/proto" } }), res), false, "the Connect protocol");
    assert.equal(served(req({ headers: { "content-type": "application/grpc+json" } }), res), false, "JSON");
    assert.equal(served(req({ headers: { "content-type": "application/grpc", "grpc-encoding": "gzip" } }), res), false, "a compressed request");
  });
});
