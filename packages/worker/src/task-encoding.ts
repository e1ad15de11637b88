/**
 * A task template as isolate runs carry it (binary) and its digest (the key that keeps a batch to
 * one template), computed once per distinct template rather than once per session message.
 */
import { createHash } from "node:crypto";
import { toBinary } from "@bufbuild/protobuf";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Assignment } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { sameDecoded } from "./same-decoded.ts";

/** Encoded templates and their digest by decoded object: the items of one session message share one (session.ts). */
const encodedTasks = new WeakMap<object, EncodedTask>();
/**
 * The last template encoded per task key, to spare the next message's copy of it the encode and
 * the hash: each session message decodes its own template object, so a chain's every step (one
 * assignment per message) paid a `TaskTemplate` encode and a SHA-256 (about 26 µs at load 10,
 * microbenchmarked) where comparing with the last one costs a tenth of that. Compared whole: a
 * node's overrides may change a template under the same id.
 */
const lastTasks = new Map<string, { readonly task: TaskTemplate; readonly encoded: EncodedTask }>();
const MAX_LAST_TASKS = 256;

/** A template's bytes (what an isolate run carries) and their SHA-256, base64. */
export interface EncodedTask {
  readonly bytes: Uint8Array;
  readonly digest: string;
}

/**
 * The attempt's template, encoded, and the digest of its bytes; an equal template seen before
 * (this message's, or the last one of its task) is not encoded again.
 */
export function encodedTaskOf(assignment: Assignment): EncodedTask {
  const task = assignment.task;
  if (task === undefined) return { bytes: new Uint8Array(0), digest: "" };
  let encoded = encodedTasks.get(task);
  if (encoded === undefined) {
    const key = taskKeyOf(assignment);
    const last = lastTasks.get(key);
    // Both are decoded messages: a walk of their values (same-decoded.ts) says what protobuf-es's
    // reflective `equals` would, at about a fifth of its CPU.
    if (last !== undefined && sameDecoded(last.task, task)) {
      encoded = last.encoded;
    } else {
      const bytes = toBinary(TaskTemplateSchema, task);
      encoded = { bytes, digest: createHash("sha256").update(bytes).digest("base64") };
      lastTasks.delete(key);
      lastTasks.set(key, { task, encoded });
      // A long-lived worker sees a new version per registration: keep the most recent ones.
      if (lastTasks.size > MAX_LAST_TASKS) lastTasks.delete(lastTasks.keys().next().value as string);
    }
    encodedTasks.set(task, encoded);
  }
  return encoded;
}

/**
 * Records `encoded` as `task`'s bytes and digest: `task` was decoded from those very bytes (the
 * template as the server sent it: session-response.ts), so {@link encodedTaskOf} hands them on
 * as they are.
 */
export function rememberEncoded(task: TaskTemplate, encoded: EncodedTask): void {
  encodedTasks.set(task, encoded);
}

/** `project:domain:name:version` of the attempt's task: items batch only with their own task's. */
export function taskKeyOf(assignment: Assignment): string {
  const id = assignment.task?.id;
  return id === undefined ? "" : `${id.project}:${id.domain}:${id.name}:${id.version}`;
}
