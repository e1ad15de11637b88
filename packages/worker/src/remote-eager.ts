/**
 * The worker's `EagerController`: each call an eager task's body awaits goes to the server with
 * `WorkerService.RunEagerChild`, which runs it as a recorded child node of the attempt's node and
 * answers with the child's outputs or error. The bundle runtime's flytekit receives this
 * controller in the `TaskRunRequest` (its `InProcessTaskRunner` routes the body's calls to
 * `request.eager`), so a failed child rejects the awaited call with `E_EAGER_CALL_FAILED` exactly
 * as in a local run.
 *
 * Calls are numbered per attempt; the server treats a repeated number as the same call. So a
 * dropped connection (or a server restarting) is retried without starting the child twice.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { EagerChildRequest, EagerChildResult, EagerController, ExecutionError } from "@flyte/engine";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import type { RunEagerChildRequestSchema, RunEagerChildResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { specWithBundle } from "./task-args.ts";

/** `WorkerService.RunEagerChild` on the worker's client. */
export type RunEagerChildCall = (request: MessageInitShape<typeof RunEagerChildRequestSchema>, options: { signal: AbortSignal }) => Promise<RunEagerChildResponse>;

/** Where the calls of one attempt go. */
export interface RemoteEagerOptions {
  readonly workerId: string;
  readonly attemptId: string;
  /** The eager task's node id (child nodes are `<nodeId>-e<k>`). */
  readonly nodeId: string;
  /** The eager task's bundle: the tasks it calls run from it too. */
  readonly bundleUrl?: string;
  /** The attempt's signal: a cancelled attempt stops waiting for its calls. */
  readonly signal: AbortSignal;
  /** How long a call keeps retrying a server it cannot reach. @default 120 s */
  readonly retryForMs?: number;
}

/** Runs an eager attempt's calls on the server. */
export class RemoteEagerController implements EagerController {
  readonly #call: RunEagerChildCall;
  readonly #options: RemoteEagerOptions;
  #next = 0;

  constructor(call: RunEagerChildCall, options: RemoteEagerOptions) {
    this.#call = call;
    this.#options = options;
  }

  async run(child: EagerChildRequest): Promise<EagerChildResult> {
    const { workerId, attemptId, bundleUrl, signal } = this.#options;
    const callIndex = this.#next++;
    const spec = bundleUrl !== undefined ? specWithBundle(child.spec, bundleUrl) : child.spec;
    const request = { workerId, attemptId, callIndex, spec, interface: child.interface };
    const giveUpAt = Date.now() + (this.#options.retryForMs ?? 120_000);
    for (let tries = 0; ; tries++) {
      try {
        return this.#resultOf(await this.#call(request, { signal }));
      } catch (err) {
        const error = ConnectError.from(err);
        if (signal.aborted || !isTransient(error.code) || Date.now() >= giveUpAt) return this.#unrun(callIndex, error);
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(tries, 6)), signal);
      }
    }
  }

  #resultOf(res: RunEagerChildResponse): EagerChildResult {
    const childId = res.childId;
    const nodeId = `${this.#options.nodeId}-${childId}`;
    const outcome = res.outcome;
    if (outcome.case === "outputs") return { ok: true, childId, outputs: outcome.value };
    const error: ExecutionError =
      outcome.case === "error"
        ? { code: outcome.value.code, message: outcome.value.message, kind: outcome.value.kind === ExecutionError_ErrorKind.SYSTEM ? "SYSTEM" : "USER", nodeId }
        : { code: "SYSTEM:NoOutcome", message: "the server answered the eager call without outputs or an error", kind: "SYSTEM", nodeId };
    return { ok: false, childId, error };
  }

  /** The call never got an answer from the server (it may not have started): a SYSTEM failure. */
  #unrun(callIndex: number, err: ConnectError): EagerChildResult {
    const reason = this.#options.signal.aborted ? "the attempt was cancelled" : `${Code[err.code]}: ${err.rawMessage}`;
    return {
      ok: false,
      childId: "?",
      error: { code: "SYSTEM:EagerCallFailed", message: `eager call ${callIndex} could not be run on the server (${reason})`, kind: "SYSTEM" },
    };
  }
}

/** Codes a dropped connection or a restarting server produce; the call is safe to repeat. */
function isTransient(code: Code): boolean {
  return code === Code.Unavailable || code === Code.Aborted || code === Code.Unknown || code === Code.Internal || code === Code.DeadlineExceeded;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
