/**
 * A `SessionResponse`, binary, built from the bytes the queue already holds: each assignment is
 * its queued payload (an `Assignment` with its template: assignment-payload.ts) followed by the
 * fields only the lease knows (attempt id, lease deadline, lease token). Protobuf's encoding of a
 * message is the concatenation of its fields', and a later scalar replaces an earlier one, so the
 * worker decodes exactly the message the router's path builds — without the session encoding every
 * assignment's template again. Items of a map share their node's template object: after the
 * first, an item goes without its template field and names the first (`task_from`), as there.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { CompletionAck_Status, type CompletionAck } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { LeasedAttempt } from "../queue/queue-types.ts";
import { encodedTaskField, templateTailOf } from "./assignment-payload.ts";

/** Field numbers (worker.proto). */
const RESPONSE = { assignments: 1, acks: 2, cancelledAttemptIds: 3 } as const;
const ASSIGNMENT = { attemptId: 1, leaseExpiresAt: 11, leaseToken: 12, taskFrom: 13 } as const;
const ACK = { attemptId: 1, status: 2 } as const;

/** The message of `leased` (hand-outs), `acks` and `cancelled` attempt ids, binary. */
export function sessionResponseBytes(leased: readonly LeasedAttempt[], acks: readonly CompletionAck[], cancelled: readonly string[]): Uint8Array {
  const writer = new BinaryWriter();
  /** Index (in this message) of the first assignment carrying each template object. */
  const firstOf = new Map<object, number>();
  leased.forEach((attempt, index) => {
    let body = attempt.payload;
    let from = 0;
    // Known from the array itself (the queue hands out the bytes its enqueuer built): comparing
    // each payload's tail with the field's bytes was ~8 µs per item (docs/benchmarks.md, eighth round).
    const task = templateTailOf(body);
    const field = task === undefined ? undefined : encodedTaskField(task);
    if (task !== undefined && field !== undefined) {
      const first = firstOf.get(task);
      if (first === undefined) firstOf.set(task, index);
      else {
        body = body.subarray(0, body.length - field.length);
        from = first + 1;
      }
    }
    writer.tag(RESPONSE.assignments, WireType.LengthDelimited).fork().raw(body);
    writer.tag(ASSIGNMENT.attemptId, WireType.LengthDelimited).string(String(attempt.id));
    writer.tag(ASSIGNMENT.leaseExpiresAt, WireType.Varint).int64(attempt.leaseUntil);
    writer.tag(ASSIGNMENT.leaseToken, WireType.Varint).uint32(attempt.leaseToken);
    if (from > 0) writer.tag(ASSIGNMENT.taskFrom, WireType.Varint).uint32(from);
    writer.join();
  });
  for (const ack of acks) {
    writer.tag(RESPONSE.acks, WireType.LengthDelimited).fork();
    if (ack.attemptId !== "") writer.tag(ACK.attemptId, WireType.LengthDelimited).string(ack.attemptId);
    if (ack.status !== CompletionAck_Status.STATUS_UNSPECIFIED) writer.tag(ACK.status, WireType.Varint).int32(ack.status);
    writer.join();
  }
  for (const id of cancelled) writer.tag(RESPONSE.cancelledAttemptIds, WireType.LengthDelimited).string(id);
  return writer.finish();
}

