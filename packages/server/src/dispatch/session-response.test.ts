// A session message built from the queue's bytes (session-response.ts) decodes to the message the
// router's path builds from the same hand-outs, acks and cancellations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary } from "@bufbuild/protobuf";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema, CompletionAck_Status, SessionResponseSchema, type Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { LeasedAttempt } from "../queue/queue-types.ts";
import { intMap } from "../testing/literals.ts";
import { encodeAssignment } from "./assignment-payload.ts";
import { Outbox } from "./worker-session.ts";

const template = (name: string) => create(TaskTemplateSchema, { id: { project: "p", domain: "d", name, version: "v" }, target: { case: "container", value: { args: ["run", name] } } });

/** Hand-outs as a session gets them: two map items sharing a template, another task, one read back from the database (no decoded message). */
function leased(): LeasedAttempt[] {
  const shared = template("map");
  const other = template("other");
  const assignment = (node: string, task: typeof shared, x: number): Assignment => create(AssignmentSchema, { project: "p", domain: "d", executionName: "e", nodeId: node, task, inputs: intMap({ x }), bundleUrl: "http://x/b.tgz" });
  const items = [assignment("n0-0", shared, 1), assignment("n0-1", shared, 2), assignment("n1", other, 3), assignment("n0-2", shared, 4)];
  const attempts: LeasedAttempt[] = items.map((a, i) => ({ id: 10 + i, executionId: "p:d:e", nodeId: a.nodeId, attempt: 0, taskKey: "k", payload: encodeAssignment(a), priority: 0, leaseUntil: 1_750_000_000_000 + i, leaseToken: 7 + i, decoded: a }));
  const restored = assignment("n2", template("restored"), 5);
  attempts.push({ id: 99, executionId: "p:d:e", nodeId: "n2", attempt: 1, taskKey: "k", payload: encodeAssignment(restored), priority: 0, leaseUntil: 1_750_000_000_999, leaseToken: 3 });
  return attempts;
}

function filled(): Outbox {
  const out = new Outbox();
  out.assign(leased());
  out.ack({ $typeName: "flyte.worker.v1.CompletionAck", attemptId: "5", status: CompletionAck_Status.RECORDED });
  out.ack({ $typeName: "flyte.worker.v1.CompletionAck", attemptId: "6", status: CompletionAck_Status.DUPLICATE });
  out.cancel(["8", "9"]);
  return out;
}

test("the message built from the queue's bytes decodes to the message the router's path sends", async () => {
  const bytes = filled().takeNow();
  assert.ok(bytes instanceof Uint8Array);
  const message = await filled().take(new AbortController().signal);
  assert.ok(message !== undefined);
  const read = fromBinary(SessionResponseSchema, bytes);
  assert.ok(equals(SessionResponseSchema, read, message), "the same message");
  assert.deepEqual(
    read.assignments.map((a) => [a.attemptId, a.taskFrom, a.task?.id?.name, a.leaseToken, a.leaseExpiresAt]),
    [
      ["10", 0, "map", 7, 1_750_000_000_000n],
      ["11", 1, undefined, 8, 1_750_000_000_001n],
      ["12", 0, "other", 9, 1_750_000_000_002n],
      ["13", 1, undefined, 10, 1_750_000_000_003n],
      ["99", 0, "restored", 3, 1_750_000_000_999n],
    ],
    "a map's later items name its first (task_from) and carry no template",
  );
});

test("an outbox taken empty is undefined until closed, then its end (with the error, if any)", () => {
  const out = new Outbox();
  assert.equal(out.takeNow(), undefined);
  out.close(new Error("boom"));
  const end = out.takeNow();
  assert.ok(end !== undefined && !(end instanceof Uint8Array) && end.end);
  assert.equal(end.error?.rawMessage, "boom");
});
