import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap } from "../testing/literals.ts";
import { encodeAssignment } from "./assignment-payload.ts";

test("an assignment whose template is encoded once decodes to the assignment, for every item sharing it", () => {
  const task = create(TaskTemplateSchema, {
    id: { project: "p", domain: "d", name: "t", version: "v1" },
    type: "python-task",
    target: { case: "container", value: { image: "img", args: ["--additional-distribution", "http://x/b.tgz"] } },
  });
  for (const [i, node] of ["n0-0", "n0-1", "n0-2"].entries()) {
    const assignment = create(AssignmentSchema, { executionName: "e", nodeId: node, retryAttempt: i, task, inputs: intMap({ x: i }), bundleUrl: "http://x/b.tgz" });
    const decoded = fromBinary(AssignmentSchema, encodeAssignment(assignment));
    assert.ok(equals(AssignmentSchema, decoded, assignment), `item ${node}`);
    assert.equal(encodeAssignment(assignment).length, toBinary(AssignmentSchema, assignment).length);
  }
  const without = create(AssignmentSchema, { nodeId: "n1" });
  assert.ok(equals(AssignmentSchema, fromBinary(AssignmentSchema, encodeAssignment(without)), without));
});
