// A session message decoded with its templates kept as the server's bytes (session-response.ts):
// it reads back as protobuf-es decodes it, a template seen before is not decoded again, and the
// isolate gets the template's bytes as they were sent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema, CompletionAck_Status, SessionResponseSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { itemBytes } from "./attempt-batches.ts";
import { cutField, decodeSessionResponse } from "./session-response.ts";
import { encodedTaskOf } from "./task-encoding.ts";
import { ints } from "./testing/literals.ts";

const template = (name: string, image = "img") =>
  create(TaskTemplateSchema, {
    id: { project: "p", domain: "d", name, version: "v1" },
    type: "typescript-task",
    target: { case: "container", value: { image, args: ["flyte", "execute", "--", "task-module", "m", "task-name", name] } },
  });

const message = (i: number) =>
  create(SessionResponseSchema, {
    assignments: [
      { attemptId: `a${i}`, project: "p", domain: "d", executionName: "e", nodeId: "n0", retryAttempt: 1, task: template("response.inc"), inputs: ints({ x: i }), bundleUrl: "http://b/x.mjs", leaseExpiresAt: 17n, leaseToken: 3 },
      // The template once per message: the next item names it (task_from).
      { attemptId: `b${i}`, nodeId: "n1", taskFrom: 1, inputs: ints({ x: i + 1 }) },
      { attemptId: `c${i}`, nodeId: "n2", task: template("response.other", "other-image") },
      { attemptId: `d${i}`, nodeId: "n3" },
    ],
    acks: [{ attemptId: `z${i}`, status: CompletionAck_Status.RECORDED }],
    cancelledAttemptIds: [`y${i}`],
  });

test("a session message reads back as protobuf-es decodes it", () => {
  const bytes = toBinary(SessionResponseSchema, message(1));
  assert.ok(equals(SessionResponseSchema, decodeSessionResponse(bytes).response, fromBinary(SessionResponseSchema, bytes)));
  const empty = toBinary(SessionResponseSchema, create(SessionResponseSchema, { acks: [{ attemptId: "only", status: CompletionAck_Status.DUPLICATE }] }));
  assert.ok(equals(SessionResponseSchema, decodeSessionResponse(empty).response, fromBinary(SessionResponseSchema, empty)));
});

test("a template the server sends again is the one decoded before, and reaches the isolate as the bytes it was sent", () => {
  const first = decodeSessionResponse(toBinary(SessionResponseSchema, message(1))).response;
  const second = decodeSessionResponse(toBinary(SessionResponseSchema, message(2))).response;
  assert.equal(second.assignments[0]?.task, first.assignments[0]?.task, "not decoded again");
  assert.notEqual(second.assignments[2]?.task, second.assignments[0]?.task, "another template is its own");
  assert.equal(second.assignments[1]?.task, undefined, "task_from is the session's to resolve");
  // Fields in another order than protobuf-es writes them: a re-encode would reorder them.
  const reordered = new BinaryWriter();
  const fields = toBinary(TaskTemplateSchema, template("response.reordered"));
  const { values: ids, rest } = cutField(fields, 1);
  reordered.raw(rest);
  for (const id of ids) reordered.tag(1, WireType.LengthDelimited).bytes(id);
  const sent = reordered.finish();
  const assignment = new BinaryWriter().tag(1, WireType.LengthDelimited).string("r").tag(7, WireType.LengthDelimited).bytes(sent).finish();
  const response = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(assignment).finish();
  const decoded = decodeSessionResponse(response).response.assignments[0];
  assert.ok(decoded !== undefined);
  assert.equal(decoded.task?.id?.name, "response.reordered");
  assert.notDeepEqual(toBinary(TaskTemplateSchema, decoded.task), sent, "the test's bytes are not protobuf-es's own order");
  assert.deepEqual(encodedTaskOf(decoded).bytes, sent, "the isolate gets the server's bytes");
  assert.ok(equals(AssignmentSchema, decoded, fromBinary(AssignmentSchema, assignment)));
});

test("cutField takes a field's entries out and keeps the rest in order", () => {
  const bytes = new BinaryWriter().tag(1, WireType.Varint).uint32(5).tag(2, WireType.LengthDelimited).string("x").tag(3, WireType.Varint).uint32(6).tag(2, WireType.LengthDelimited).string("yz").tag(4, WireType.Varint).uint32(7).finish();
  const { values, rest } = cutField(bytes, 2);
  assert.deepEqual(values.map((v) => Buffer.from(v).toString()), ["x", "yz"]);
  assert.deepEqual(rest, new BinaryWriter().tag(1, WireType.Varint).uint32(5).tag(3, WireType.Varint).uint32(6).tag(4, WireType.Varint).uint32(7).finish());
  assert.equal(cutField(bytes, 9).rest, bytes, "nothing cut: the same bytes");
});

test("an isolate run's items are the assignments' bytes as the server sent them, without the template, each its own copy", () => {
  // As the stream hands it over: a view on a larger buffer.
  const bytes = Buffer.concat([Buffer.alloc(16), toBinary(SessionResponseSchema, message(3))]).subarray(16);
  const { response, sent } = decodeSessionResponse(bytes);
  assert.equal(sent.length, response.assignments.length);
  response.assignments.forEach((assignment, i) => {
    const item = itemBytes({ assignment, ...(sent[i] !== undefined ? { sent: sent[i] } : {}) });
    assert.ok(sent[i] !== undefined && Buffer.from(item).equals(sent[i]), "the bytes the server sent");
    assert.equal(item.byteLength, item.buffer.byteLength, "not a view on the stream's buffer (a post would clone all of it)");
    assert.ok(equals(AssignmentSchema, fromBinary(AssignmentSchema, item), create(AssignmentSchema, { ...assignment, task: undefined })));
  });
  const made = create(AssignmentSchema, { attemptId: "made here", task: template("response.made") });
  assert.ok(equals(AssignmentSchema, fromBinary(AssignmentSchema, itemBytes({ assignment: made })), create(AssignmentSchema, { attemptId: "made here" })), "not from a session message: encoded here");
});
