/**
 * Entry of a worker's isolate thread: runs attempts (attempt.ts) with the code loaded in this
 * thread — fast-registered bundles, whose flytekit imports resolve to the worker's copy
 * (bundle-resolution.ts), or modules in its directory. An eager task's calls go to the worker's main thread as requests, which makes
 * them on the server (worker.ts). The bundle file is already on disk (the main thread downloads
 * it), so the thread's loader only imports it.
 *
 * Loaded files: this one, ../attempt.ts and ../code-loader.ts with what they import (@flyte/idl
 * messages, flytekit/internal) — resolved as the main thread resolves them (threads inherit its
 * `--conditions`).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { performance } from "node:perf_hooks";
import { workerData } from "node:worker_threads";
import { ConnectError, type Code } from "@connectrpc/connect";
import {
  AssignmentSchema,
  CompleteRequestSchema,
  RunEagerChildRequestSchema,
  RunEagerChildResponseSchema,
  type Assignment,
  type RunEagerChildResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { redactSecrets, serveIsolate, threadState } from "flytekit/internal";
import { runAssignment } from "../attempt.ts";
import { CodeLoader } from "../code-loader.ts";
import type { RunEagerChildCall } from "../remote-eager.ts";

/** The main thread's answer: `RunEagerChildResponse` (binary), or the RPC's error. */
export type EagerCallReply = { readonly response: Uint8Array } | { readonly code: Code; readonly message: string };

/** `workerData` of the thread. */
export interface AttemptThreadData {
  readonly cacheDir: string;
  readonly root?: string;
  readonly workerId: string;
  /** The server's URL: tasks read and write their data in its store. */
  readonly endpoint?: string;
}

/**
 * What the main thread sends per run: one or more attempts of ONE task (a batch of a map's items,
 * attempt-batches.ts), run one after another. The `TaskTemplate` travels once, binary; each item
 * is its `Assignment` without the template, binary.
 */
export interface AttemptThreadPayload {
  readonly task: Uint8Array;
  readonly items: readonly Uint8Array[];
}

/**
 * One item's outcome as the thread encoded it: its `CompleteRequest` holding the outcome alone,
 * binary, which the main thread forwards to the server without decoding it
 * (completion-bytes.ts); for an error outcome, `code: message` for the attempt's log.
 */
export interface ItemOutcome {
  readonly bytes: Uint8Array;
  readonly failure?: string;
}

/**
 * What a run answers: per item, its outcome, how long it ran in ms (-1 for a task's first
 * attempt in the thread, which imported its code) and how much of that it awaited (the thread's
 * event loop was idle: timers, I/O), in ms.
 */
export interface AttemptThreadResult {
  readonly outcomes: ItemOutcome[];
  readonly ms: number[];
  readonly waitedMs: number[];
}

/** An eager call as a request to the main thread: `RunEagerChildRequest`, binary. */
export interface EagerCallRequest {
  readonly kind: "eager";
  readonly request: Uint8Array;
}

const data = workerData as AttemptThreadData;
threadState().inIsolate = true;
const loader = new CodeLoader({ cacheDir: data.cacheDir, ...(data.root !== undefined ? { root: data.root } : {}) });

/** Tasks that ran in this thread (name, version, bundle). */
const ranHere = new Set<string>();

/** The last template decoded here, by its bytes: a chain's steps and a map's batches send the same one again. */
let lastTask: { readonly bytes: Uint8Array; readonly task: TaskTemplate } | undefined;

function templateOf(bytes: Uint8Array): TaskTemplate | undefined {
  if (bytes.length === 0) return undefined;
  // Comparing a few hundred bytes costs far less than decoding them (docs/benchmarks.md, seventh round).
  if (lastTask === undefined || !Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(lastTask.bytes)) {
    lastTask = { bytes, task: fromBinary(TaskTemplateSchema, bytes) };
  }
  return lastTask.task;
}

serveIsolate(async (payload, attempt): Promise<AttemptThreadResult> => {
  const { task: taskBytes, items } = payload as AttemptThreadPayload;
  const task = templateOf(taskBytes);
  const result: AttemptThreadResult = { outcomes: [], ms: [], waitedMs: [] };
  for (let i = 0; i < items.length; i++) {
    const started = performance.now();
    const loop = performance.eventLoopUtilization();
    const assignment = fromBinary(AssignmentSchema, items[i] as Uint8Array);
    // One decoded template for the whole run: attempts read it and never change it.
    if (task !== undefined) assignment.task = task;
    result.outcomes.push(await runOne(assignment, attempt.item(i), (value) => attempt.request(value)));
    // A task's first attempt in this thread imports its code: its time says nothing of the next ones.
    const key = `${assignment.task?.id?.name ?? ""}\0${assignment.task?.id?.version ?? ""}\0${assignment.bundleUrl}`;
    result.ms.push(ranHere.has(key) ? performance.now() - started : -1);
    // Time descheduled on a busy machine counts as active, not idle: only real awaits count.
    result.waitedMs.push(performance.eventLoopUtilization(loop).idle);
    ranHere.add(key);
  }
  return result;
});

/** One attempt's outcome. */
async function runOne(assignment: Assignment, signal: AbortSignal, ask: (value: unknown) => Promise<unknown>): Promise<ItemOutcome> {
  const eager: RunEagerChildCall = async (request) => {
    const value: EagerCallRequest = { kind: "eager", request: toBinary(RunEagerChildRequestSchema, create(RunEagerChildRequestSchema, request)) };
    const reply = (await ask(value)) as EagerCallReply;
    if ("code" in reply) throw new ConnectError(reply.message, reply.code);
    return fromBinary(RunEagerChildResponseSchema, reply.response) satisfies RunEagerChildResponse;
  };
  const outcome = await runAssignment(assignment, loader, signal, data.workerId, eager, data.endpoint);
  // A task that put a secret in its error message must not have it stored.
  if (outcome.case === "error" && outcome.value.error !== undefined) outcome.value.error.message = redactSecrets(outcome.value.error.message);
  const bytes = toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome }));
  return outcome.case === "error" ? { bytes, failure: `${outcome.value.error?.code ?? "?"}: ${outcome.value.error?.message ?? ""}` } : { bytes };
}
