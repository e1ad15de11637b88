/**
 * The queued payload of an attempt: its `Assignment`, binary. The items of a map task share one
 * `TaskTemplate` object (their node's); encoding it into every item's payload was a tenth of the
 * server's CPU in a 1,000-item map (docs/benchmarks.md, fifth round). So the template is encoded
 * once per object and appended to each payload as its field: protobuf decoding merges fields in
 * any order, so the bytes decode to the same message as a whole encoding would.
 */
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema, type Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";

/** `Assignment.task`'s field number. */
const TASK_FIELD = 7;

/** The encoded `task` field (tag, length, template) by template object. */
const taskFields = new WeakMap<TaskTemplate, Uint8Array>();

/** Payloads built here that end with their template's field, with that template. */
const tails = new WeakMap<Uint8Array, TaskTemplate>();

/** `assignment` encoded, its template's bytes reused from earlier payloads of the same template object. */
export function encodeAssignment(assignment: Assignment): Uint8Array {
  const task = assignment.task;
  if (task === undefined) return toBinary(AssignmentSchema, assignment);
  let field = taskFields.get(task);
  if (field === undefined) {
    field = new BinaryWriter().tag(TASK_FIELD, WireType.LengthDelimited).bytes(toBinary(TaskTemplateSchema, task)).finish();
    taskFields.set(task, field);
  }
  const rest = toBinary(AssignmentSchema, { ...assignment, task: undefined });
  const payload = new Uint8Array(rest.length + field.length);
  payload.set(rest, 0);
  payload.set(field, rest.length);
  tails.set(payload, task);
  return payload;
}

/**
 * The template whose encoded field (see {@link encodedTaskField}) `payload` ends with, when
 * {@link encodeAssignment} built this very array; undefined for any other bytes (a copy read back
 * from the database). A session cuts the field off a map's later items without comparing bytes.
 */
export function templateTailOf(payload: Uint8Array): TaskTemplate | undefined {
  return tails.get(payload);
}

/**
 * The encoded `task` field that {@link encodeAssignment} appended to the payloads of `task`'s
 * assignments, if it encoded one (session-response.ts cuts it off items that share a template).
 */
export function encodedTaskField(task: TaskTemplate): Uint8Array | undefined {
  return taskFields.get(task);
}
