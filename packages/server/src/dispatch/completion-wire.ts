/**
 * A completion's bytes as they arrived on the session, kept for the queue's `result` column.
 *
 * The queue keeps a `CompleteRequest` without its log (attempt-outcome.ts). The session decodes
 * every completion anyway (the engine needs its outcome at once), and re-encoding it for the
 * queue cost a `create` and a `toBinary` of the whole outcome per completion, on a step's path.
 * The worker already sent exactly those bytes: protobuf's encoding of a message is the
 * concatenation of its fields' encodings, so the bytes with their log field cut out decode to
 * the message `encodeCompletion` would build (the same fields, unknown ones included).
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { encodeCompletion } from "./attempt-outcome.ts";

/** `SessionRequest.completions` and `CompleteRequest.log` (worker.proto). */
const COMPLETIONS_FIELD = 5;
const LOG_FIELD = 6;

/** The bytes each decoded completion arrived as (set by the transport that read them). */
const arrived = new WeakMap<CompleteRequest, Uint8Array>();

/**
 * The bytes of each `completions` entry of a binary `SessionRequest`, in order (views into
 * `request`, not copies).
 */
export function completionBytesOf(request: Uint8Array): Uint8Array[] {
  const reader = new BinaryReader(request);
  const out: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === COMPLETIONS_FIELD && wireType === WireType.LengthDelimited) out.push(reader.bytes());
    else reader.skip(wireType, field);
  }
  return out;
}

/** `completion` (a binary `CompleteRequest`) without its log field. */
export function withoutLog(completion: Uint8Array): Uint8Array {
  const reader = new BinaryReader(completion);
  const kept: Uint8Array[] = [];
  let start = 0;
  while (reader.pos < reader.len) {
    const at = reader.pos;
    const [field, wireType] = reader.tag();
    reader.skip(wireType, field);
    if (field !== LOG_FIELD) continue;
    if (at > start) kept.push(completion.subarray(start, at));
    start = reader.pos;
  }
  if (start === 0) return completion;
  if (start < completion.length) kept.push(completion.subarray(start));
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of kept) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Remembers the bytes of each of `completions` (decoded from `request`, a binary
 * `SessionRequest`), when the two agree on how many there are.
 */
export function keepArrived(completions: readonly CompleteRequest[], request: Uint8Array): void {
  if (completions.length === 0) return;
  const bytes = completionBytesOf(request);
  if (bytes.length !== completions.length) return;
  // Copies: the transport's buffers are not ours to keep (a reader may reuse them).
  for (let i = 0; i < bytes.length; i++) arrived.set(completions[i] as CompleteRequest, (bytes[i] as Uint8Array).slice());
}

/** What the queue keeps for `completion`: its arrived bytes without the log, else encoded again. */
export function recordedBytesOf(completion: CompleteRequest): Uint8Array {
  const bytes = arrived.get(completion);
  return bytes === undefined ? encodeCompletion(completion) : withoutLog(bytes);
}
