/**
 * Entry of a local isolate's thread (local/isolated-attempt.ts). It finds the task again by
 * re-importing the module that defined it and taking the definition constructed at the same
 * place (definition-sites.ts), checked by its fingerprint (a hash of the function's source and
 * interface). So exported or not, a task defined at a module's top level is found; a task made at
 * run time inside a function is not (the host then runs it in its own thread).
 *
 * A script that calls its workflow at top level would run it again on import: while importing,
 * such top-level calls are held (they never settle) and the lookup proceeds with the tasks
 * defined before the call. Guarding the call with `if (import.meta.main)` avoids even that.
 *
 * Imports are relative, so the thread uses the same flytekit files as the host — and as the
 * user's module, which resolves `flytekit` to the same place.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { TaskFailure } from "@flyte/engine";
import { DynamicJobSpecSchema } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { InProcessTaskRunner } from "../local/in-process-runner.ts";
import type { TaskDefinition } from "../task.ts";
import { serveIsolate } from "./thread-kit.ts";
import { threadState } from "./thread-state.ts";

/** What the host sends for one attempt. */
export interface LocalAttemptPayload {
  readonly url: string;
  readonly index: number;
  readonly fingerprint: string;
  /** The task's name in the host (the loader may have named it). */
  readonly name: string;
  readonly executionId: string;
  readonly nodeId: string;
  readonly attempt: number;
  /** `TaskTemplate`, binary. */
  readonly template: Uint8Array;
  /** `LiteralMap`, binary. */
  readonly inputs: Uint8Array;
}

/** What the thread answers. */
export type LocalAttemptResult =
  | { readonly kind: "not-found" }
  | { readonly kind: "success"; readonly outputs: Uint8Array }
  | { readonly kind: "dynamic"; readonly spec: Uint8Array }
  | { readonly kind: "failure"; readonly error: TaskFailure };

const state = threadState();
state.inIsolate = true;
state.recording = new Map();
const imports = new Map<string, Promise<void>>();

serveIsolate(async (raw, attempt): Promise<LocalAttemptResult> => {
  const payload = raw as LocalAttemptPayload;
  try {
    await importHeld(payload.url);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: "failure", error: { code: "SYSTEM:CodeLoad", message: `could not load ${payload.url} for task '${payload.name}': ${message}`, kind: "SYSTEM", recoverable: false } };
  }
  const definition = findDefinition(payload);
  if (definition === undefined) return { kind: "not-found" };
  definition.name = payload.name;
  const template = fromBinary(TaskTemplateSchema, payload.template);
  const runner = new InProcessTaskRunner(new Map([[template.id?.name ?? payload.name, definition]]));
  const result = await runner.run({
    executionId: payload.executionId,
    nodeId: payload.nodeId,
    attempt: payload.attempt,
    task: template,
    inputs: fromBinary(LiteralMapSchema, payload.inputs),
    signal: attempt.signal,
  });
  switch (result.kind) {
    case "success":
      return { kind: "success", outputs: toBinary(LiteralMapSchema, result.outputs) };
    case "dynamic":
      return { kind: "dynamic", spec: toBinary(DynamicJobSpecSchema, result.spec) };
    case "failure":
      return { kind: "failure", error: result.error };
  }
});

/** Imports `url` once; resolves when it is loaded or when its top level calls a workflow. */
function importHeld(url: string): Promise<void> {
  let loading = imports.get(url);
  if (loading === undefined) {
    loading = new Promise<void>((resolve, reject) => {
      state.hold = resolve;
      import(url).then(() => resolve(), reject);
    }).finally(() => (state.hold = undefined));
    imports.set(url, loading);
  }
  return loading;
}

function findDefinition(payload: LocalAttemptPayload): TaskDefinition | undefined {
  const defined = (state.recording?.get(payload.url) ?? []) as Array<TaskDefinition | undefined>;
  const atIndex = defined[payload.index];
  if (atIndex?.derivedCacheVersion === payload.fingerprint) return atIndex;
  const same = defined.filter((d) => d?.derivedCacheVersion === payload.fingerprint);
  return same.length === 1 ? same[0] : undefined;
}
