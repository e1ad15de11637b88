// The session's outbox (worker-session.ts): what makes a message and when.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { CompletionAck_Status, SessionResponseSchema, type CompletionAck } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { LeasedAttempt } from "../queue/queue-types.ts";
import { Outbox } from "./worker-session.ts";

const ack = (attemptId: string): CompletionAck => ({ $typeName: "flyte.worker.v1.CompletionAck", attemptId, status: CompletionAck_Status.RECORDED });
const leased = (id: number): LeasedAttempt => ({ id, executionId: "p:d:e", nodeId: "n", attempt: 0, taskKey: "k", payload: new Uint8Array(), priority: 0, leaseUntil: 1, leaseToken: 2 });
/** Resolves at the outbox's next onReady call. */
const nextReady = (out: Outbox): Promise<void> => new Promise((resolve) => (out.onReady = resolve));
const decoded = (bytes: ReturnType<Outbox["takeNow"]>) => {
  assert.ok(bytes instanceof Uint8Array);
  const message = fromBinary(SessionResponseSchema, bytes);
  return { acks: message.acks.map((a) => a.attemptId), assignments: message.assignments.map((a) => a.attemptId) };
};

test("an ack alone makes no message at once: it rides with the next hand-out", () => {
  const out = new Outbox({ ackDelayMs: 3_600_000 });
  let ready = 0;
  out.onReady = () => void ready++;
  out.ack(ack("1"));
  assert.equal(ready, 0, "no write for the ack alone");
  out.assign([leased(2)]);
  assert.equal(ready, 1);
  assert.deepEqual(decoded(out.takeNow()), { acks: ["1"], assignments: ["2"] });
  assert.equal(out.takeNow(), undefined);
});

test("an ack goes on its own once its delay is up, and with the end when the outbox closes first", async () => {
  const out = new Outbox({ ackDelayMs: 5 });
  const ready = nextReady(out);
  out.ack(ack("1"));
  out.ack(ack("2"));
  await ready;
  assert.deepEqual(decoded(out.takeNow()), { acks: ["1", "2"], assignments: [] });

  const closing = new Outbox({ ackDelayMs: 3_600_000 });
  closing.ack(ack("3"));
  closing.close();
  assert.deepEqual(decoded(closing.takeNow()), { acks: ["3"], assignments: [] });
  assert.deepEqual(closing.takeNow(), { end: true, error: undefined });
});

test("a message taken for any reason carries the acks waiting; ackDelayMs 0 sends each at once", async () => {
  const out = new Outbox({ ackDelayMs: 3_600_000 });
  out.ack(ack("1"));
  assert.deepEqual(decoded(out.takeNow()), { acks: ["1"], assignments: [] });
  const now = new Outbox({ ackDelayMs: 0 });
  let ready = 0;
  now.onReady = () => void ready++;
  now.ack(ack("2"));
  assert.equal(ready, 1);
  const taken = await now.take(new AbortController().signal);
  assert.deepEqual(taken?.acks.map((a) => a.attemptId), ["2"]);
});
