// An execution page's first two requests are written and read at the wire level, without
// flyteidl's descriptors (packages/console/src/api/first-requests-wire.ts): checked here against
// protobuf-es and the real flyteidl messages, field by field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ObjectGetRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { ExecutionSchema, WorkflowExecutionGetRequestSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { IdentifierSchema, ResourceType, WorkflowExecutionIdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { executionRequestBytes, objectRequestBytes, workflowIdBytes } from "../packages/console/src/api/first-requests-wire.ts";

test("the execution's request is a WorkflowExecutionGetRequest for the page's project, domain and name", () => {
  const request = fromBinary(WorkflowExecutionGetRequestSchema, executionRequestBytes("flytesnacks", "development", "a1b2c3"));
  assert.deepEqual(request.id, create(WorkflowExecutionIdentifierSchema, { project: "flytesnacks", domain: "development", name: "a1b2c3" }));
});

test("the workflow's identifier is read from an encoded Execution, and sent as an ObjectGetRequest", () => {
  const workflowId = create(IdentifierSchema, { resourceType: ResourceType.WORKFLOW, project: "flytesnacks", domain: "development", name: "wf.big", version: "v7" });
  const execution = create(ExecutionSchema, {
    id: { project: "flytesnacks", domain: "development", name: "a1b2c3" },
    spec: { launchPlan: { resourceType: ResourceType.LAUNCH_PLAN, project: "flytesnacks", domain: "development", name: "lp", version: "v1" } },
    closure: { phase: WorkflowExecution_Phase.RUNNING, workflowId, createdAt: { seconds: 1n }, stateChangeDetails: { principal: "me" } },
  });
  const id = workflowIdBytes(toBinary(ExecutionSchema, execution));
  assert.ok(id !== undefined, "an identifier was found");
  assert.deepEqual(fromBinary(IdentifierSchema, id), workflowId);
  assert.deepEqual(fromBinary(ObjectGetRequestSchema, objectRequestBytes(id)).id, workflowId);
});

test("an execution that names no workflow gives no identifier", () => {
  assert.equal(workflowIdBytes(toBinary(ExecutionSchema, create(ExecutionSchema, { id: { name: "x" }, closure: { phase: WorkflowExecution_Phase.QUEUED } }))), undefined);
  assert.equal(workflowIdBytes(new Uint8Array()), undefined);
});
