/**
 * A completion as bytes, built without decoding the outcome its isolate encoded. Protobuf's
 * encoding of a message is the concatenation of its fields' encodings, in any order: the fields
 * the main thread knows (worker, attempt id, lease token, log, times) are encoded on their own
 * and the isolate's bytes (a `CompleteRequest` holding the `outcome` alone) follow as they came.
 * The session then writes them into its `SessionRequest` as `completions` entries, also as bytes. Before,
 * each outcome was decoded on the main thread and encoded again into the stream's message
 * (docs/benchmarks.md, seventh round).
 */
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { CompleteRequestSchema, type SessionRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";

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
 * A `SessionRequest`, binary, whose `completions` are `completions` (each a `CompleteRequest`,
 * binary) written as they are: each is a field 5 entry, byte for byte what the message field
 * would be, so the server decodes them as ordinary completions. The other fields are written by
 * their numbers (worker.proto) without building a message: most requests are credit alone.
 */
export function sessionRequestBytes(init: MessageInitShape<typeof SessionRequestSchema>, completions: readonly Uint8Array[]): Uint8Array {
  const writer = new BinaryWriter();
  if (init.workerId !== undefined && init.workerId !== "") writer.tag(1, WireType.LengthDelimited).string(init.workerId);
  if (init.leaseMs !== undefined && init.leaseMs !== 0) writer.tag(2, WireType.Varint).uint32(init.leaseMs);
  for (const id of init.heldAttemptIds ?? []) writer.tag(3, WireType.LengthDelimited).string(id);
  if (init.credit !== undefined && init.credit !== 0) writer.tag(4, WireType.Varint).uint32(init.credit);
  for (const bytes of completions) writer.tag(COMPLETIONS_FIELD, WireType.LengthDelimited).bytes(bytes);
  return writer.finish();
}
