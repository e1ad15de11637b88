import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { ExecutionSpecSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { NodeExecutionListRequestSchema } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { TaskExecutionListRequestSchema } from "@flyte/idl/gen/flyteidl/admin/task_execution_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SqliteStateStore } from "../store/sqlite-state-store.ts";
import type { ExecutionsContext } from "./executions-context.ts";
import { ExecutionSpecs } from "./execution-records.ts";
import { listNodeExecutions, listTaskExecutions } from "./node-execution-rpcs.ts";

// Listing an execution's nodes needs only to know that the execution exists, and which of its
// nodes started child executions: reading its record decoded its compiled closure (megabytes for
// a 5,000-node workflow) on every call, and each node not yet attempted cost a record read.
test("ListNodeExecutions reads no execution record: the execution's summary and its child ids", async () => {
  const store = SqliteStateStore.open(":memory:");
  const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: Array.from({ length: 100 }, (_, i) => ({ id: `n${i}` })) } } });
  await store.createExecution({ executionId: "p:development:e1", closure, inputs: create(LiteralMapSchema), createdAt: 1 });
  // n0 and n1 queued (no attempt yet); n1 is a launch-plan node whose child execution exists.
  await store.record([
    { kind: "node", executionId: "p:development:e1", nodeId: "n0", phase: "QUEUED", occurredAt: 1 },
    { kind: "node", executionId: "p:development:e1", nodeId: "n1", phase: "RUNNING", occurredAt: 1 },
  ]);
  await store.createExecution({ executionId: "p:development:e1-n1", closure, inputs: create(LiteralMapSchema), createdAt: 1 });
  const records: string[] = [];
  // The real store, with its record reads counted (what the listing calls of it, delegated).
  const observed = {
    getExecution: (id: string) => (records.push(id), store.getExecution(id)),
    getExecutionSummary: (id: string) => store.getExecutionSummary(id),
    listNodeExecutions: (id: string) => store.listNodeExecutions(id),
    listChildExecutionIds: (id: string) => store.listChildExecutionIds(id),
  } as unknown as SqliteStateStore;
  const ctx = { store: observed, now: () => 2 } as unknown as ExecutionsContext;
  const request = (name: string) => create(NodeExecutionListRequestSchema, { workflowExecutionId: { project: "p", domain: "development", name } });

  const list = await listNodeExecutions(ctx, request("e1"));
  const child = (id: string) => {
    const node = list.nodeExecutions.find((n) => n.id?.nodeId === id);
    return node?.closure?.targetMetadata.case === "workflowNodeMetadata" ? node.closure.targetMetadata.value.executionId?.name : undefined;
  };
  assert.deepEqual([list.nodeExecutions.map((n) => n.id?.nodeId), child("n0"), child("n1")], [["n0", "n1"], undefined, "e1-n1"]);
  assert.deepEqual(records, [], "the execution's record was read");
  await assert.rejects(listNodeExecutions(ctx, request("nope")), (e: unknown) => {
    assert.ok(e instanceof ConnectError);
    assert.equal(e.code, Code.NotFound);
    assert.equal(e.rawMessage, "ListNodeExecutions: execution 'p/development/nope' does not exist");
    return true;
  });
  await store.close();
});

// The task execution RPCs need one task template per attempt: read from the closure's bytes, not
// by decoding the whole closure through the execution's record.
test("ListTaskExecutions takes its task template from the stored closure, reading no execution record", async () => {
  const store = SqliteStateStore.open(":memory:");
  const specs = new ExecutionSpecs(store.db);
  const closure = create(CompiledWorkflowClosureSchema, {
    primary: { template: { nodes: Array.from({ length: 100 }, (_, i) => ({ id: `n${i}` })) } },
    tasks: [{ template: { id: { project: "p", domain: "development", name: "flows.inc", version: "v7" }, type: "container" } }],
  });
  const executionId = "p:development:e2";
  const inputs = create(LiteralMapSchema);
  const record = { executionId, project: "p", domain: "development", name: "e2", spec: create(ExecutionSpecSchema), closure, inputs, userInputs: inputs, createdAt: 1 };
  await store.createExecution({ executionId, closure, inputs, createdAt: 1 }, { alongside: (encoded) => specs.insertWithin(record, encoded) });
  await store.record([
    { kind: "node", executionId, nodeId: "n0", phase: "RUNNING", occurredAt: 2 },
    { kind: "task", executionId, nodeId: "n0", taskName: "flows.inc", attempt: 0, phase: "RUNNING", occurredAt: 2 },
  ]);
  const records: string[] = [];
  const observed = {
    getExecution: (id: string) => (records.push(id), store.getExecution(id)),
    getExecutionSummary: (id: string) => store.getExecutionSummary(id),
    listTaskExecutions: (id: string, node: string) => store.listTaskExecutions(id, node),
    getNodeExecution: (id: string, node: string) => store.getNodeExecution(id, node),
  } as unknown as SqliteStateStore;
  const ctx = { store: observed, specs, now: () => 3 } as unknown as ExecutionsContext;
  const handler = { requestHeader: new Headers({ host: "127.0.0.1:1" }), url: "http://127.0.0.1:1/" } as unknown as HandlerContext;
  const list = await listTaskExecutions(ctx, create(TaskExecutionListRequestSchema, { nodeExecutionId: { executionId: { project: "p", domain: "development", name: "e2" }, nodeId: "n0" } }), handler);
  const [attempt] = list.taskExecutions;
  assert.deepEqual([list.taskExecutions.length, attempt?.id?.taskId?.name, attempt?.id?.taskId?.version, attempt?.closure?.taskType], [1, "flows.inc", "v7", "container"]);
  assert.deepEqual(records, [], "the execution's record was read");
  await store.close();
});
