/**
 * The worker: holds one `WorkerService.Session` stream to the server (session.ts), which grants
 * the server credit for its free slots, receives assignments as soon as they are enqueued and
 * reports outcomes; runs each attempt in an isolate (a worker thread: isolate/, attempt.ts) with
 * its output streamed to the server (attempt-log.ts). A timeout (the task's own, enforced here
 * too) or a cancel from the server aborts the attempt's signal, then stops its isolate after the
 * grace period; the slot is free at once. It survives task crashes and a server that goes away
 * (the session reconnects with backoff).
 */
import { randomBytes } from "node:crypto";
import { hostname, homedir } from "node:os";
import { join } from "node:path";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConnectError, createClient, type Client } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import {
  CompletionAck_Status,
  RunEagerChildRequestSchema,
  RunEagerChildResponseSchema,
  WorkerService,
  type Assignment,
  type RunEagerChildResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { DEFAULT_GRACE_MS, type IsolateEnd } from "flytekit/internal";
import { AttemptBatches } from "./attempt-batches.ts";
import { AttemptLog } from "./attempt-log.ts";
import { attemptOutcomeOf, describeAttempt, isolationOf, type AttemptIsolation } from "./attempt-isolation.ts";
import { CodeLoader } from "./code-loader.ts";
import { completionBytes } from "./completion-bytes.ts";
import { IsolatePool } from "./isolate/isolate-pool.ts";
import type { EagerCallReply, EagerCallRequest } from "./isolate/attempt-thread.ts";
import type { RunEagerChildCall } from "./remote-eager.ts";
import { WorkerSession } from "./session.ts";

/** Options of {@link Worker}. */
export interface WorkerOptions {
  /** The server, e.g. `http://127.0.0.1:30080`. */
  readonly endpoint: string;
  /** Attempts run at once. @default 1 */
  readonly concurrency?: number;
  /** @default `<host>-<pid>-<random>` */
  readonly workerId?: string;
  /** Downloaded bundles. @default $XDG_CACHE_HOME/flyte/worker or ~/.cache/flyte/worker */
  readonly cacheDir?: string;
  /** Lease length asked for; the server extends leases every third of it while the session is open. @default 30 s */
  readonly leaseMs?: number;
  /** Where code without a bundle is looked up. @default process.cwd() */
  readonly root?: string;
  /** Status lines (not task output). @default stderr */
  readonly log?: (line: string) => void;
  /** Called once per bundle download. */
  readonly onDownload?: (url: string) => void;
  /** How long an aborted attempt (timeout, cancel) may run on before its isolate is stopped. @default 1 s */
  readonly graceMs?: number;
  /** How often a running attempt's new output is sent to the server. @default 1 s */
  readonly logFlushMs?: number;
}

interface Running {
  readonly assignment: Assignment;
  readonly abort: AbortController;
}

/** Why an attempt was aborted, when it was. */
type AbortCause = "timeout" | "cancelled" | "stopping";

/** The default folder for downloaded bundles. */
export function defaultWorkerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "flyte", "worker");
}

/** A worker connected to one server. `run()` until `stop()`. */
export class Worker {
  readonly id: string;
  readonly #options: WorkerOptions;
  readonly #client: Client<typeof WorkerService>;
  readonly #loader: CodeLoader;
  readonly #isolates: IsolatePool;
  readonly #batches: AttemptBatches;
  readonly #running = new Map<string, Running>();
  readonly #stopping = new AbortController();
  readonly #concurrency: number;
  readonly #session: WorkerSession;
  readonly #attempts = new Set<Promise<void>>();
  /** Slots lent by eager attempts while they wait on a child call (see #eagerCall). */
  #lent = 0;
  #done: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    // HTTP/2: the session is a bidirectional stream, and the other calls share its connection.
    // No compression: assignments are small and the server is near; gzip cost more CPU than it saved.
    const connection = new Http2SessionManager(options.endpoint);
    this.#client = createClient(WorkerService, createConnectTransport({ baseUrl: options.endpoint, httpVersion: "2", acceptCompression: [], sessionManager: connection }));
    this.#session = new WorkerSession(connection, { workerId: this.id, endpoint: options.endpoint, leaseMs: options.leaseMs ?? 30_000 }, {
      assigned: (assignments, sent) => {
        assignments.forEach((assignment, i) => this.#start(assignment, sent[i]));
      },
      cancelled: (ids) => {
        for (const id of ids) this.#running.get(id)?.abort.abort(new DOMException("cancelled by the server", "AbortError"));
      },
      free: () => (this.#stopping.signal.aborted ? 0 : this.#concurrency - this.#running.size + this.#lent),
      running: () => [...this.#running.keys()],
      log: (line) => this.#log(line),
    });
    this.#loader = new CodeLoader({
      cacheDir: options.cacheDir ?? defaultWorkerCacheDir(),
      ...(options.root !== undefined ? { root: options.root } : {}),
      ...(options.onDownload !== undefined ? { onDownload: options.onDownload } : {}),
    });
    this.#isolates = new IsolatePool({
      thread: { cacheDir: options.cacheDir ?? defaultWorkerCacheDir(), workerId: this.id, endpoint: options.endpoint, ...(options.root !== undefined ? { root: options.root } : {}) },
      maxIdle: Math.max(2, this.#concurrency),
    });
    this.#batches = new AttemptBatches(this.#isolates);
  }

  /** Isolate runs that carried more than one attempt so far (attempt-batches.ts); for tests and profiles. */
  get batchedRuns(): number {
    return this.#batches.batches;
  }

  /** Attempts running now. */
  get runningAttempts(): string[] {
    return [...this.#running.keys()];
  }

  /** Leases and runs attempts until {@link stop}; resolves once stopped. */
  run(): Promise<void> {
    this.#done ??= this.#loop();
    return this.#done;
  }

  /**
   * Stops leasing and waits up to `graceMs` for running attempts to finish and report; attempts
   * still running then are abandoned unreported (their leases expire and the server retries
   * them elsewhere). Resolves once {@link run} has returned.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopping.abort();
    const done = this.#done ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const running of this.#running.values()) running.abort.abort(new DOMException("the worker is stopping", "AbortError"));
    // Outcomes still unacknowledged are abandoned: their leases expire and the server retries them.
    this.#session.close();
    await done;
    await this.#isolates.close();
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`flyte worker ${this.id}: ${line}`);
  }

  async #loop(): Promise<void> {
    this.#isolates.prepare();
    const session = this.#session.run();
    await new Promise<void>((resolve) => this.#stopping.signal.addEventListener("abort", () => resolve(), { once: true }));
    // Running attempts finish and report (stop() cuts this short after its grace period).
    while (this.#attempts.size > 0) await Promise.all(this.#attempts);
    this.#session.close();
    await session;
  }

  /** `sent`: the assignment as the server sent it, without its template (session.ts), when known. */
  #start(assignment: Assignment, sent?: Uint8Array): void {
    const attempt = this.#attempt(assignment, sent).finally(() => this.#attempts.delete(attempt));
    this.#attempts.add(attempt);
  }

  async #attempt(assignment: Assignment, sent: Uint8Array | undefined): Promise<void> {
    const abort = new AbortController();
    const id = assignment.attemptId;
    const what = describeAttempt(assignment);
    this.#running.set(id, { assignment, abort });
    const startedAt = Date.now();
    const log = new AttemptLog((offset, text) => this.#client.appendLog({ workerId: this.id, attemptId: id, offset: BigInt(offset), text }).then(() => {}), this.#options.logFlushMs ?? 1_000);
    let isolation: AttemptIsolation | undefined;
    let end: IsolateEnd | undefined;
    let loadError: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      isolation = isolationOf(assignment);
      if (isolation.bundleUrl !== undefined) await this.#loader.fetchBundle(isolation.bundleUrl);
    } catch (err) {
      loadError = err;
    }
    if (isolation !== undefined && loadError === undefined) {
      const { timeoutMs } = isolation;
      // Undefined when the attempt was aborted while it waited for an isolate (isolate-pool.ts).
      end = await this.#batches.run({
        assignment,
        ...(sent !== undefined ? { sent } : {}),
        isolation,
        signal: abort.signal,
        graceMs: this.#options.graceMs ?? DEFAULT_GRACE_MS,
        onLog: (text) => log.append(text),
        onRequest: (value) => this.#eagerRequest(value as EagerCallRequest, abort.signal),
        onStart: () => {
          // The server times the attempt out too; stopping it here frees the slot without waiting for a heartbeat.
          if (timeoutMs > 0) timer = setTimeout(() => abort.abort(new DOMException(`the attempt ran longer than its timeout of ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
        },
      });
      clearTimeout(timer);
    }
    this.#running.delete(id);
    this.#session.refresh();
    const cause = abort.signal.aborted ? this.#abortCause(abort.signal) : undefined;
    if (cause !== undefined) {
      // The server decides what an aborted attempt was (it timed it out or cancelled it); the log is kept.
      const line = cause === "timeout" ? `timed out (${String((abort.signal.reason as Error).message)})` : cause === "cancelled" ? "cancelled by the server" : "abandoned: the worker is stopping";
      const stopped = end?.kind === "stopped" ? `; its isolate was stopped after a grace period of ${this.#options.graceMs ?? DEFAULT_GRACE_MS} ms` : "";
      this.#log(`${what} ${line}${stopped}`);
      await log.close(`[flyte] ${what} ${line}${stopped}`);
      return;
    }
    const outcome = attemptOutcomeOf(assignment, end, loadError, this.id);
    if (outcome.failure !== undefined) log.seal(`[flyte] ${what} failed: ${outcome.failure}`);
    else log.seal();
    // No last chunk: Complete carries the whole log (one RPC and one write per attempt).
    await log.settled();
    // The isolate's outcome bytes go as they are (completion-bytes.ts).
    const request = completionBytes({ workerId: this.id, attemptId: id, leaseToken: assignment.leaseToken, log: log.text(), startedAt, finishedAt: Date.now() }, outcome.bytes);
    // Acknowledged once durable; resent on a new stream if this one breaks first (session.ts).
    const status = await this.#session.complete(id, request);
    if (status === CompletionAck_Status.LEASE_LOST) this.#log(`${what}: the lease was lost before completion; the server ignored the outcome`);
    else if (status === CompletionAck_Status.UNKNOWN_ATTEMPT) this.#log(`${what}: the server does not know attempt id ${id}; the outcome was dropped`);
    else if (status === undefined) this.#log(`${what}: the worker stopped before the server acknowledged the outcome; the server will retry the attempt when its lease expires`);
  }

  #abortCause(signal: AbortSignal): AbortCause {
    if (this.#stopping.signal.aborted) return "stopping";
    return signal.reason instanceof DOMException && signal.reason.name === "TimeoutError" ? "timeout" : "cancelled";
  }

  /** An eager call the isolate asks for (attempt-thread.ts), made on the server. */
  async #eagerRequest(value: EagerCallRequest, signal: AbortSignal): Promise<EagerCallReply> {
    try {
      const response = await this.#eagerCall(fromBinary(RunEagerChildRequestSchema, value.request), { signal });
      return { response: toBinary(RunEagerChildResponseSchema, response) };
    } catch (err) {
      // The code decides whether the thread's controller retries: it must cross the thread boundary.
      const error = ConnectError.from(err);
      return { code: error.code, message: error.rawMessage };
    }
  }

  /**
   * An eager attempt's child call. While it waits, the attempt lends its slot: the child may be
   * queued for this very worker, and with every slot held by a waiting eager body nothing would run.
   */
  async #eagerCall(...args: Parameters<RunEagerChildCall>): Promise<RunEagerChildResponse> {
    this.#lent++;
    this.#session.refresh();
    try {
      return await this.#client.runEagerChild(...args);
    } finally {
      this.#lent--;
    }
  }
}
