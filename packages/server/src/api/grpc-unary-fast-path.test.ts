import assert from "node:assert/strict";
import type http2 from "node:http2";
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
