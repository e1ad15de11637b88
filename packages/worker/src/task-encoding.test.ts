// The worker's encoded templates: one encode per distinct template, not per session message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { encodedTaskOf } from "./task-encoding.ts";

const template = create(TaskTemplateSchema, {
  id: { project: "p", domain: "d", name: "encoding.inc", version: "v1" },
  type: "typescript-task",
  target: { case: "container", value: { image: "img", args: ["flyte", "execute", "--", "task-module", "m", "task-name", "inc"] } },
});
/** As each session message decodes its own copy of the template. */
const decodedCopy = () => create(AssignmentSchema, { attemptId: "a", task: fromBinary(TaskTemplateSchema, toBinary(TaskTemplateSchema, template)) });

test("a template equal to the last one of its task, decoded from another message, is not encoded again", () => {
  const first = encodedTaskOf(decodedCopy());
  const second = encodedTaskOf(decodedCopy());
  assert.equal(second, first, "the second message's copy reuses the first one's bytes and digest");
  assert.deepEqual(fromBinary(TaskTemplateSchema, second.bytes), template);
});

test("a template changed under the same id (a node's overrides) gets its own bytes and digest", () => {
  const first = encodedTaskOf(decodedCopy());
  const changed = decodedCopy();
  if (changed.task?.target.case === "container") changed.task.target.value.image = "other";
  const second = encodedTaskOf(changed);
  assert.notEqual(second.digest, first.digest);
  assert.equal(fromBinary(TaskTemplateSchema, second.bytes).target.value?.$typeName, "flyteidl.core.Container");
  assert.equal(encodedTaskOf(changed), second, "the same object hits its own entry");
});
