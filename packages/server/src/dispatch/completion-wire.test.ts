// A completion's arrived bytes kept for the queue (completion-wire.ts): the bytes, without the
// log, decode to what encodeCompletion builds, whatever order the worker wrote the fields in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { CompleteRequestSchema, SessionRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap } from "../testing/literals.ts";
import { encodeCompletion } from "./attempt-outcome.ts";
import { completionBytesOf, keepArrived, recordedBytesOf, withoutLog } from "./completion-wire.ts";

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
/** As the worker writes one (completion-bytes.ts): its own fields, log included, then the isolate's outcome. */
const workerShaped = (attemptId: string, log: string, o0: number): Uint8Array =>
  concat(
    toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { workerId: "w", attemptId, leaseToken: 7, log, startedAt: 1n, finishedAt: 2n })),
    toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome: { case: "outputs", value: intMap({ o0 }) } })),
  );
/** A SessionRequest holding `completions` as bytes (field 5, length-delimited), after other fields. */
const sessionRequest = (...completions: Uint8Array[]): Uint8Array =>
  concat(toBinary(SessionRequestSchema, create(SessionRequestSchema, { workerId: "w", credit: 3, heldAttemptIds: ["9"] })), ...completions.map((c) => concat(Uint8Array.of(0x2a, c.length), c)));

test("the queue keeps a completion's arrived bytes without the log: they decode to what encodeCompletion builds", () => {
  const raw = workerShaped("1", "printed\n".repeat(5), 41);
  const kept = withoutLog(raw);
  assert.ok(kept.length < raw.length);
  const decoded = fromBinary(CompleteRequestSchema, raw);
  assert.equal(decoded.log, "printed\n".repeat(5));
  assert.ok(equals(CompleteRequestSchema, fromBinary(CompleteRequestSchema, kept), fromBinary(CompleteRequestSchema, encodeCompletion(decoded))));
  assert.equal(withoutLog(kept), kept, "nothing to cut: the same bytes");
});

test("each completion of a session request is kept as it came, by the message decoded from it; others are encoded again", () => {
  const a = workerShaped("1", "a log", 1);
  const b = workerShaped("2", "", 2);
  const request = sessionRequest(a, b);
  assert.deepEqual(completionBytesOf(request), [a, b]);
  const message = fromBinary(SessionRequestSchema, request);
  keepArrived(message.completions, request);
  const [first, second] = message.completions;
  assert.ok(first !== undefined && second !== undefined);
  assert.deepEqual(recordedBytesOf(first), withoutLog(a), "the arrived bytes, not a canonical re-encoding");
  assert.deepEqual(recordedBytesOf(second), b);
  assert.notDeepEqual(encodeCompletion(first), withoutLog(a), "the worker's field order differs from a re-encoding's");
  const other = create(CompleteRequestSchema, { attemptId: "3", log: "x", outcome: { case: "outputs", value: intMap({ o0: 3 }) } });
  assert.deepEqual(recordedBytesOf(other), encodeCompletion(other));
});
