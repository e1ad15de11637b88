import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { ObjectGetRequestSchema, ResourceListRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { WorkflowSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import {
  ExecutionCreateRequestSchema,
  ExecutionCreateResponseSchema,
  ExecutionListSchema,
  ExecutionSchema,
  WorkflowExecutionGetRequestSchema,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import grpc from "@grpc/grpc-js";
import { directAdminMethods } from "./direct-admin-methods.ts";
import { EncodedAnswer } from "./encoded-answer.ts";
import { grpcUnaryFastPath } from "./grpc-unary-fast-path.ts";
import { callRaw, startFastPathServer, type FastPathServer } from "../testdata/grpc-fast-path-server.ts";

/** A grpc-js call of `AdminService/<method>` with raw bytes. */
const call = (client: grpc.Client, method: string, request: Uint8Array): Promise<Uint8Array> =>
  callRaw(client, `/flyteidl.service.AdminService/${method}`, request);

// Over 16 KB, so that it is written after its envelope rather than copied behind it.
const workflowAnswer = new EncodedAnswer(
  toBinary(WorkflowSchema, create(WorkflowSchema, { id: { name: "wf" }, closure: { compiledWorkflow: { primary: { template: { nodes: Array.from({ length: 3_000 }, (_, i) => ({ id: `n${i}` })) } } } } })),
);

const bytes = <D extends DescMessage>(schema: D, init: MessageInitShape<D>): Uint8Array => toBinary(schema, create(schema, init));

// The direct path must serve the methods clients call per execution (create, poll, list) with the
// server's own implementations: a real HTTP/2 server and grpc-js, and nothing left to the router.
describe("the AdminService methods on the direct gRPC path", () => {
  let server: FastPathServer;
  let client: grpc.Client;
  const contexts: HandlerContext[] = [];

  before(async () => {
    const fast = grpcUnaryFastPath(
      directAdminMethods({
        getExecution: (req, ctx) => {
          contexts.push(ctx);
          return { id: { project: req.id?.project ?? "", domain: req.id?.domain ?? "", name: `got ${req.id?.name ?? ""}` } };
        },
        createExecution: (req, ctx) => {
          contexts.push(ctx);
          if (req.name === "taken") throw new ConnectError("CreateExecution: execution 'p/d/taken' already exists", Code.AlreadyExists);
          return { id: { project: req.project, domain: req.domain, name: `made ${req.name}` } };
        },
        listExecutions: (req, ctx) => {
          contexts.push(ctx);
          return { executions: [{ id: { project: req.id?.project ?? "", domain: req.id?.domain ?? "", name: `listed ${req.filters}` } }], token: "7" };
        },
      }, {
        getWorkflow: (req) => {
          if (req.id?.name !== "wf") throw new ConnectError(`workflow 'p/d/${req.id?.name ?? ""}' is not registered`, Code.NotFound);
          return workflowAnswer;
        },
      }),
      { readMaxBytes: 1_000 },
    );
    server = await startFastPathServer(fast);
    client = server.client;
  });

  after(async () => {
    await server.close();
  });

  test("CreateExecution, GetExecution and ListExecutions are answered by their implementations", async () => {
    const created = fromBinary(ExecutionCreateResponseSchema, await call(client, "CreateExecution", bytes(ExecutionCreateRequestSchema, { project: "p", domain: "d", name: "e1" })));
    assert.deepEqual([created.id?.project, created.id?.domain, created.id?.name], ["p", "d", "made e1"]);
    const got = fromBinary(ExecutionSchema, await call(client, "GetExecution", bytes(WorkflowExecutionGetRequestSchema, { id: { project: "p", domain: "d", name: "e1" } })));
    assert.equal(got.id?.name, "got e1");
    const list = fromBinary(ExecutionListSchema, await call(client, "ListExecutions", bytes(ResourceListRequestSchema, { id: { project: "p", domain: "d" }, filters: "eq(phase,RUNNING)" })));
    assert.deepEqual([list.executions.map((e) => e.id?.name), list.token], [["listed eq(phase,RUNNING)"], "7"]);
    assert.equal(server.fellThrough(), 0, "a call went to the router");
  });

  test("GetWorkflow is answered with its kept encoding, as it is", async () => {
    const got = await call(client, "GetWorkflow", bytes(ObjectGetRequestSchema, { id: { project: "p", domain: "d", name: "wf" } }));
    assert.ok(workflowAnswer.bytes.length > 16 * 1024);
    assert.deepEqual(got, workflowAnswer.bytes);
    await assert.rejects(call(client, "GetWorkflow", bytes(ObjectGetRequestSchema, { id: { name: "nope" } })), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
    assert.equal(server.fellThrough(), 0, "a call went to the router");
  });

  test("an implementation's error keeps its code and text", async () => {
    await assert.rejects(call(client, "CreateExecution", bytes(ExecutionCreateRequestSchema, { project: "p", domain: "d", name: "taken" })), (e: grpc.ServiceError) => {
      assert.equal(e.code, grpc.status.ALREADY_EXISTS);
      assert.equal(e.details, "CreateExecution: execution 'p/d/taken' already exists");
      return true;
    });
  });

  test("each method's calls share one handler context, built once", async () => {
    contexts.length = 0;
    for (let i = 0; i < 2; i++) {
      await call(client, "CreateExecution", bytes(ExecutionCreateRequestSchema, { name: `c${i}` }));
      await call(client, "ListExecutions", bytes(ResourceListRequestSchema, {}));
    }
    const [create0, list0, create1, list1] = contexts;
    assert.ok(create0 === create1 && list0 === list1 && create0 !== list0);
    assert.deepEqual([create0?.method.name, list0?.method.name], ["CreateExecution", "ListExecutions"]);
  });
});
