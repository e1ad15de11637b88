import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { WorkflowSchema, WorkflowSpecSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityRow } from "../registry/registry-store.ts";
import { shortDescriptionOf, workflowAnswerBytes } from "./workflow-answer.ts";
import { workflowOf } from "./workflows.ts";

const id = { resourceType: ResourceType.WORKFLOW, project: "p", domain: "development", name: "wf", version: "v1" };

function row(description: string | undefined, createdAt: number): EntityRow {
  const template = { id, nodes: [{ id: "n0" }, { id: "n1", upstreamNodeIds: ["n0"] }] };
  const spec = create(WorkflowSpecSchema, { template, ...(description === undefined ? {} : { description: { shortDescription: description, tags: ["t"] } }) });
  const closure = create(CompiledWorkflowClosureSchema, { primary: { template, connections: { downstream: { n0: { ids: ["n1"] } } } } });
  return { ...id, digest: "d", spec: toBinary(WorkflowSpecSchema, spec), closure: toBinary(CompiledWorkflowClosureSchema, closure), createdAt, state: 0, updatedAt: createdAt };
}

// The answer is written from the stored bytes without decoding them; it must be the very answer
// the decoded path gives.
describe("a workflow's GetWorkflow answer written from its row", () => {
  for (const [what, r] of [
    ["with a description", row("adds one", 1_700_000_000_123)],
    ["without a description", row(undefined, 5)],
    ["with an empty description, created at 0", row("", 0)],
  ] as const) {
    test(`decodes to the message built from the decoded row (${what}), byte for byte`, () => {
      const bytes = workflowAnswerBytes(r);
      assert.ok(equals(WorkflowSchema, fromBinary(WorkflowSchema, bytes), workflowOf(r)));
      assert.deepEqual(bytes, toBinary(WorkflowSchema, workflowOf(r)));
    });
  }

  test("the short description is read from the spec's description, the last one winning", () => {
    const first = toBinary(WorkflowSpecSchema, create(WorkflowSpecSchema, { description: { shortDescription: "first" } }));
    const second = toBinary(WorkflowSpecSchema, create(WorkflowSpecSchema, { description: { longDescription: { content: { case: "value", value: "long" } } } }));
    const third = toBinary(WorkflowSpecSchema, create(WorkflowSpecSchema, { description: { shortDescription: "third" } }));
    assert.equal(shortDescriptionOf(first), "first");
    assert.equal(shortDescriptionOf(Buffer.concat([first, second])), "first");
    assert.equal(shortDescriptionOf(Buffer.concat([first, second, third])), "third");
    assert.equal(shortDescriptionOf(new Uint8Array()), "");
  });
});
