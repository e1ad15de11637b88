/**
 * A completion as bytes, built without decoding the outcome its isolate encoded. Protobuf's
 * encoding of a message is the concatenation of its fields' encodings, in any order: the fields
 * the main thread knows (worker, attempt id, lease token, log, times) are encoded on their own
 * and the isolate's bytes (a `CompleteRequest` holding the `outcome` alone) follow as they came.
 * The session then sends them as `SessionRequest.completions` entries, also as bytes. Before,
 * each outcome was decoded on the main thread and encoded again into the stream's message
 * (docs/benchmarks.md, seventh round).
 */
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { CompleteRequestSchema, SessionRequestSchema, type SessionRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";

/** `SessionRequest.completions`'s field number (worker.proto). */
const COMPLETIONS_FIELD = 5;

/** What the main thread adds to an isolate's outcome. */
export interface CompletionFields {
  readonly workerId: string;
  readonly attemptId: string;
  readonly leaseToken: number;
  readonly log: string;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/**
 * The `CompleteRequest` of `fields` with the outcome encoded in `outcome` (a `CompleteRequest`
 * holding only its `outcome`, binary), binary: the two encodings one after the other.
 */
export function completionBytes(fields: CompletionFields, outcome: Uint8Array): Uint8Array {
  const head = toBinary(
    CompleteRequestSchema,
    create(CompleteRequestSchema, {
      workerId: fields.workerId,
      attemptId: fields.attemptId,
      leaseToken: fields.leaseToken,
      log: fields.log,
      startedAt: BigInt(fields.startedAt),
      finishedAt: BigInt(fields.finishedAt),
    }),
  );
  const bytes = new Uint8Array(head.length + outcome.length);
  bytes.set(head);
  bytes.set(outcome, head.length);
  return bytes;
}

/**
 * A `SessionRequest` whose `completions` are `completions` (each a `CompleteRequest`, binary),
 * sent as they are: they ride in the message's unknown fields, which `toBinary` (and so the
 * stream) writes after the known ones as field 5 entries, byte for byte what the message field
 * would be. A reader — the server — decodes them as ordinary completions.
 */
export function sessionRequestWith(init: MessageInitShape<typeof SessionRequestSchema>, completions: readonly Uint8Array[]): SessionRequest {
  const message = create(SessionRequestSchema, init);
  if (completions.length > 0) {
    message.$unknown = completions.map((bytes) => ({ no: COMPLETIONS_FIELD, wireType: WireType.LengthDelimited, data: new BinaryWriter().bytes(bytes).finish() }));
  }
  return message;
}
