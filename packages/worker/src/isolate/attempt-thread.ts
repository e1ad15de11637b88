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
import { workerData } from "node:worker_threads";
import { ConnectError, type Code } from "@connectrpc/connect";
import {
  AssignmentSchema,
  CompleteRequestSchema,
  RunEagerChildRequestSchema,
  RunEagerChildResponseSchema,
  type RunEagerChildResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
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

/** What the main thread sends per attempt: the `Assignment`, binary. */
export type AttemptThreadPayload = Uint8Array;

/** An eager call as a request to the main thread: `RunEagerChildRequest`, binary. */
export interface EagerCallRequest {
  readonly kind: "eager";
  readonly request: Uint8Array;
}

const data = workerData as AttemptThreadData;
threadState().inIsolate = true;
const loader = new CodeLoader({ cacheDir: data.cacheDir, ...(data.root !== undefined ? { root: data.root } : {}) });

serveIsolate(async (payload, attempt) => {
  const assignment = fromBinary(AssignmentSchema, payload as AttemptThreadPayload);
  const eager: RunEagerChildCall = async (request) => {
    const value: EagerCallRequest = { kind: "eager", request: toBinary(RunEagerChildRequestSchema, create(RunEagerChildRequestSchema, request)) };
    const reply = (await attempt.request(value)) as EagerCallReply;
    if ("code" in reply) throw new ConnectError(reply.message, reply.code);
    return fromBinary(RunEagerChildResponseSchema, reply.response) satisfies RunEagerChildResponse;
  };
  const outcome = await runAssignment(assignment, loader, attempt.signal, data.workerId, eager, data.endpoint);
  // A task that put a secret in its error message must not have it stored.
  if (outcome.case === "error" && outcome.value.error !== undefined) outcome.value.error.message = redactSecrets(outcome.value.error.message);
  return toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome }));
});
