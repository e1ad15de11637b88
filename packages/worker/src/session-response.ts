/**
 * A `SessionResponse` decoded with each assignment's `TaskTemplate` kept as the bytes the server
 * sent. A chain sends its task's template with every step (one assignment per message), and
 * decoding it was most of the worker's protobuf work per step: the decode, then a walk to find it
 * equal to the task's last one (task-encoding.ts), while the isolate needs it encoded again. Here
 * the template's bytes are cut out of the assignment before it is decoded; a template whose bytes
 * were seen recently is the same decoded object as before, and its bytes and digest go to the
 * isolate as they came (task-encoding.ts `rememberEncoded`), without an encode or a hash; so do
 * the assignment's other bytes ({@link DecodedResponse.sent}), which each run's item carries.
 * The rest of the message (ids, inputs, acks, cancellations) is decoded as before.
 *
 * Decoded templates are shared by every assignment that carried the same bytes, across
 * messages: nothing in the worker changes a template (the isolate's copy is its own).
 */
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { createHash } from "node:crypto";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema, SessionResponseSchema, type SessionResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { rememberEncoded, type EncodedTask } from "./task-encoding.ts";

/** `SessionResponse.assignments` and `Assignment.task` (worker.proto). */
const ASSIGNMENTS_FIELD = 1;
const TASK_FIELD = 7;
/** Distinct templates remembered (a long-lived worker sees a new version per registration). */
const MAX_TEMPLATES = 256;

interface KnownTemplate {
  readonly task: TaskTemplate;
  readonly encoded: EncodedTask;
}

/** Recently seen templates by their bytes' length, then compared whole (most recent last). */
const known = new Map<number, KnownTemplate[]>();
let knownCount = 0;

/** A decoded `SessionResponse` and what its assignments were sent as. */
export interface DecodedResponse {
  readonly response: SessionResponse;
  /**
   * Per assignment, in order, its bytes as the server sent them without the template (views on
   * the message's bytes: copy before posting one to a thread, which would clone the whole
   * buffer): what an isolate run carries per item (attempt-batches.ts). Undefined where the
   * assignment was decoded whole.
   */
  readonly sent: readonly (Uint8Array | undefined)[];
}

/** `bytes`, a `SessionResponse`, decoded (see the module comment). */
export function decodeSessionResponse(bytes: Uint8Array): DecodedResponse {
  const { values: assignments, rest } = cutField(bytes, ASSIGNMENTS_FIELD);
  const response = fromBinary(SessionResponseSchema, rest);
  const sent: (Uint8Array | undefined)[] = [];
  for (const whole of assignments) {
    const { values: tasks, rest: withoutTask } = cutField(whole, TASK_FIELD);
    // A template split over several fields (protobuf merges them) is never sent; decode it as it is.
    if (tasks.length > 1) {
      response.assignments.push(fromBinary(AssignmentSchema, whole));
      sent.push(undefined);
      continue;
    }
    const assignment = fromBinary(AssignmentSchema, withoutTask);
    // None: a later item of a message that carries its template once (task_from).
    if (tasks.length === 1) assignment.task = templateOf(tasks[0] as Uint8Array);
    response.assignments.push(assignment);
    sent.push(withoutTask);
  }
  return { response, sent };
}

/** The decoded template of `bytes`: the one decoded before for the same bytes, if remembered. */
function templateOf(bytes: Uint8Array): TaskTemplate {
  const sameLength = known.get(bytes.length);
  if (sameLength !== undefined) {
    for (let i = sameLength.length - 1; i >= 0; i--) {
      const entry = sameLength[i] as KnownTemplate;
      if (Buffer.compare(entry.encoded.bytes, bytes) === 0) return entry.task;
    }
  }
  // Its own copy: `bytes` is a view on the stream's read buffer.
  const own = new Uint8Array(bytes);
  const task = fromBinary(TaskTemplateSchema, own);
  const entry: KnownTemplate = { task, encoded: { bytes: own, digest: createHash("sha256").update(own).digest("base64") } };
  rememberEncoded(task, entry.encoded);
  if (sameLength !== undefined) sameLength.push(entry);
  else known.set(bytes.length, [entry]);
  if (++knownCount > MAX_TEMPLATES) forgetOldest();
  return task;
}

/** Drops the oldest remembered template of the longest list (a rough bound is enough). */
function forgetOldest(): void {
  let longest: KnownTemplate[] | undefined;
  let at = 0;
  for (const [length, list] of known) {
    if (longest === undefined || list.length > longest.length) {
      longest = list;
      at = length;
    }
  }
  longest?.shift();
  if (longest?.length === 0) known.delete(at);
  knownCount--;
}

/**
 * `message`'s length-delimited fields numbered `field` (their payloads, views on `message`) and
 * the message without them: its other fields' bytes, in order (a message's encoding is the
 * concatenation of its fields').
 */
export function cutField(message: Uint8Array, field: number): { values: Uint8Array[]; rest: Uint8Array } {
  const reader = new BinaryReader(message);
  const values: Uint8Array[] = [];
  const kept: [number, number][] = [];
  let keptBytes = 0;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const [number, wireType] = reader.tag();
    if (number === field && wireType === WireType.LengthDelimited) {
      values.push(reader.bytes());
      continue;
    }
    reader.skip(wireType, number);
    const last = kept.at(-1);
    // Consecutive kept fields make one range.
    if (last !== undefined && last[1] === start) last[1] = reader.pos;
    else kept.push([start, reader.pos]);
    keptBytes += reader.pos - start;
  }
  if (values.length === 0) return { values, rest: message };
  if (kept.length === 1) return { values, rest: message.subarray((kept[0] as [number, number])[0], (kept[0] as [number, number])[1]) };
  const rest = new Uint8Array(keptBytes);
  let at = 0;
  for (const [from, to] of kept) {
    rest.set(message.subarray(from, to), at);
    at += to - from;
  }
  return { values, rest };
}
