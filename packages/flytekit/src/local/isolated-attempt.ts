/**
 * Local attempts that run in an isolate (a worker thread) instead of this thread, so that a
 * timeout or a terminate can stop them even in a synchronous loop, and `limits.mem` can cap them.
 *
 * When: a task (not dynamic or eager) with a timeout, a `limits.mem` or `isolation: "fresh"`, whose defining
 * module is known (every task defined in an ES module file is), when this thread is not itself an
 * isolate. Everything else runs in this thread: the fast path. How the isolate finds the task:
 * see isolate/local-thread.ts; when it cannot (a task made at run time, inside a function), the
 * attempt runs in this thread, where only asynchronous code sees the timeout.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { TaskFailure, TaskRunRequest, TaskRunResult } from "@flyte/engine";
import { DynamicJobSpecSchema } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { DynamicDefinition } from "../dynamic.ts";
import { EagerDefinition } from "../eager.ts";
import { isolateEndFailure } from "../isolate/end-failure.ts";
import type { Isolate, IsolateEnd } from "../isolate/isolate.ts";
import { IsolateFactory } from "../isolate/isolate-factory.ts";
import type { LocalAttemptPayload, LocalAttemptResult } from "../isolate/local-thread.ts";
import { memoryMbOf } from "../isolate/memory-limit.ts";
import { threadState } from "../isolate/thread-state.ts";
import type { TaskDefinition } from "../task.ts";

const ENTRY = new URL(`../isolate/local-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/** Isolates, with a spare started ahead after a fresh attempt or a stopped isolate. */
const factory = new IsolateFactory({ entry: ENTRY });
/** Idle warm isolates, by defining module and heap cap. */
const idle = new Map<string, Isolate[]>();

/** Whether an attempt of `task` runs in an isolate (see the module comment). */
export function runsIsolated(task: TaskDefinition): boolean {
  // Dynamic and eager bodies hand the engine tasks they found while running: those must be this thread's.
  if (task.site === undefined || task instanceof EagerDefinition || task instanceof DynamicDefinition || threadState().inIsolate) return false;
  const o = task.options;
  return o.timeoutMs > 0 || o.limits.mem !== undefined || o.isolation === "fresh";
}

/**
 * Runs one attempt of `task` in an isolate; `undefined` when the isolate could not find the task
 * (the caller then runs it in this thread).
 */
export async function runIsolated(task: TaskDefinition, request: TaskRunRequest): Promise<TaskRunResult | undefined> {
  const site = task.site;
  if (site === undefined) return undefined;
  const o = task.options;
  const memoryMb = o.limits.mem !== undefined ? memoryMbOf(o.limits.mem, `task '${task.name}'`) : undefined;
  const key = `${site.url}\0${memoryMb ?? ""}`;
  const isolate = (o.isolation === "warm" ? takeIdle(key) : undefined) ?? factory.take(memoryMb);
  const payload: LocalAttemptPayload = {
    url: site.url,
    index: site.index,
    fingerprint: task.derivedCacheVersion,
    name: task.name,
    executionId: request.executionId,
    nodeId: request.nodeId,
    attempt: request.attempt,
    template: toBinary(TaskTemplateSchema, request.task),
    inputs: toBinary(LiteralMapSchema, request.inputs),
  };
  const end = await isolate.run(payload, {
    signal: request.signal,
    onLog: (text, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(text),
  });
  if (o.isolation === "warm" && isolate.alive) {
    giveBack(key, isolate);
  } else {
    // Fresh attempts (or a stopped isolate) come in series: have the next isolate ready.
    factory.prepare();
    if (isolate.alive) void isolate.terminate();
  }
  return resultOf(end, task);
}

function resultOf(end: IsolateEnd, task: TaskDefinition): TaskRunResult | undefined {
  if (end.kind !== "done") return { kind: "failure", error: isolateEndFailure(end, task.name) };
  const result = end.value as LocalAttemptResult;
  switch (result.kind) {
    case "not-found":
      return undefined;
    case "success":
      return { kind: "success", outputs: fromBinary(LiteralMapSchema, result.outputs) };
    case "dynamic": // not isolated today (see runsIsolated); kept so the thread's answer is complete
      return { kind: "dynamic", spec: fromBinary(DynamicJobSpecSchema, result.spec) };
    case "failure":
      return { kind: "failure", error: result.error satisfies TaskFailure };
  }
}

function takeIdle(key: string): Isolate | undefined {
  const list = idle.get(key);
  let isolate = list?.pop();
  while (isolate !== undefined && !isolate.alive) isolate = list?.pop();
  return isolate;
}

function giveBack(key: string, isolate: Isolate): void {
  const list = idle.get(key) ?? [];
  list.push(isolate);
  idle.set(key, list);
}
