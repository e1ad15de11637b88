import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { workflowIdOfClosure } from "./closure-bytes.ts";

const id = (name: string) => ({ resourceType: ResourceType.WORKFLOW, project: "p", domain: "d", name, version: "v1" });

const closure = create(CompiledWorkflowClosureSchema, {
  // Sub-workflows and tasks around the primary, so that reading field 1.1.1 must skip the rest.
  subWorkflows: [{ template: { id: id("sub"), nodes: [{ id: "n0" }] } }],
  primary: { template: { id: id("main"), nodes: [{ id: "n0" }, { id: "n1" }] }, connections: { upstream: { n1: { ids: ["n0"] } } } },
  tasks: [{ template: { id: { ...id("t"), resourceType: ResourceType.TASK } } }],
});

test("the primary workflow's id is read from the encoded closure", () => {
  const got = workflowIdOfClosure(toBinary(CompiledWorkflowClosureSchema, closure));
  assert.equal(got?.name, "main");
  assert.equal(got?.version, "v1");
  assert.equal(workflowIdOfClosure(toBinary(CompiledWorkflowClosureSchema, create(CompiledWorkflowClosureSchema))), undefined);
});
