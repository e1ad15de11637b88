/**
 * The worker loop: long-polls `WorkerService.Lease` for attempts while it has free slots, runs
 * each one in an isolate (a worker thread: isolate/, attempt.ts) with its output streamed to the
 * server (attempt-log.ts), heartbeats the running ones every lease/3, and reports each outcome
 * with `Complete`. A timeout (the task's own, enforced here too) or a cancel from the server
 * aborts the attempt's signal, then stops its isolate after the grace period; the slot is free at
 * once. It survives task crashes and a server that goes away (it retries with backoff).
 */
import { randomBytes } from "node:crypto";
import { hostname, homedir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  AssignmentSchema,
  CompleteRequestSchema,
  CompleteResponse_Status,
  RunEagerChildRequestSchema,
  RunEagerChildResponseSchema,
  WorkerService,
  type Assignment,
  type RunEagerChildResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { DEFAULT_GRACE_MS, type IsolateEnd } from "flytekit/internal";
import { AttemptLog } from "./attempt-log.ts";
import { attemptOutcomeOf, describeAttempt, isolationOf, type AttemptIsolation } from "./attempt-isolation.ts";
import { CodeLoader } from "./code-loader.ts";
import { IsolatePool } from "./isolate/isolate-pool.ts";
import type { EagerCallReply, EagerCallRequest } from "./isolate/attempt-thread.ts";
import type { RunEagerChildCall } from "./remote-eager.ts";

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
  /** Lease length asked for; heartbeats go every third of it. @default 30 s */
  readonly leaseMs?: number;
  /** How long one Lease call waits for work. @default 20 s */
  readonly waitMs?: number;
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
  readonly #running = new Map<string, Running>();
  readonly #stopping = new AbortController();
  readonly #concurrency: number;
  readonly #leaseMs: number;
  #slotFreed: (() => void) | undefined;
  /** Slots lent by eager attempts while they wait on a child call (see #eagerCall). */
  #lent = 0;
  #done: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#client = createClient(WorkerService, createConnectTransport({ baseUrl: options.endpoint, httpVersion: "1.1" }));
    this.#loader = new CodeLoader({
      cacheDir: options.cacheDir ?? defaultWorkerCacheDir(),
      ...(options.root !== undefined ? { root: options.root } : {}),
      ...(options.onDownload !== undefined ? { onDownload: options.onDownload } : {}),
    });
    this.#isolates = new IsolatePool({
      thread: { cacheDir: options.cacheDir ?? defaultWorkerCacheDir(), workerId: this.id, endpoint: options.endpoint, ...(options.root !== undefined ? { root: options.root } : {}) },
      maxIdle: Math.max(2, this.#concurrency),
    });
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
    this.#slotFreed?.();
    const done = this.#done ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const running of this.#running.values()) running.abort.abort(new DOMException("the worker is stopping", "AbortError"));
    await done;
    await this.#isolates.close();
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`flyte worker ${this.id}: ${line}`);
  }

  async #loop(): Promise<void> {
    this.#isolates.prepare();
    const heartbeat = setInterval(() => void this.#heartbeat(), Math.max(50, Math.floor(this.#leaseMs / 3)));
    const attempts = new Set<Promise<void>>();
    let failures = 0;
    let failingSince = 0;
    try {
      while (!this.#stopping.signal.aborted) {
        const free = this.#concurrency - this.#running.size + this.#lent;
        if (free <= 0) {
          await new Promise<void>((r) => (this.#slotFreed = r));
          continue;
        }
        let assignments: Assignment[];
        try {
          const res = await this.#client.lease(
            { workerId: this.id, max: free, waitMs: this.#options.waitMs ?? 20_000, leaseMs: this.#leaseMs },
            { signal: this.#stopping.signal },
          );
          assignments = res.assignments;
          if (failures > 0) this.#log(`connected to ${this.#options.endpoint}`);
          failures = 0;
        } catch (err) {
          if (this.#stopping.signal.aborted) break;
          if (failures++ === 0) {
            failingSince = Date.now();
            this.#log(`cannot lease from ${this.#options.endpoint} (${describe(err)}); retrying with backoff (up to every 5 s) until it answers`);
          } else if (failures % 12 === 0) {
            this.#log(`still cannot lease from ${this.#options.endpoint} after ${Math.round((Date.now() - failingSince) / 1000)} s (${describe(err)}); retrying`);
          }
          await sleep(Math.min(5_000, 250 * 2 ** Math.min(failures, 5)), this.#stopping.signal);
          continue;
        }
        for (const assignment of assignments) {
          const attempt = this.#attempt(assignment).finally(() => {
            attempts.delete(attempt);
            this.#slotFreed?.();
          });
          attempts.add(attempt);
        }
      }
      await Promise.all(attempts);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #attempt(assignment: Assignment): Promise<void> {
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
    // Undefined when the attempt was aborted while it waited for an isolate (isolate-pool.ts).
    const isolate = isolation !== undefined && loadError === undefined ? await this.#isolates.acquire(isolation.key, isolation.memoryMb, isolation.fresh, abort.signal) : undefined;
    if (isolation !== undefined && isolate !== undefined) {
      if (isolation.timeoutMs > 0) {
        // The server times the attempt out too; stopping it here frees the slot without waiting for a heartbeat.
        timer = setTimeout(() => abort.abort(new DOMException(`the attempt ran longer than its timeout of ${isolation?.timeoutMs} ms`, "TimeoutError")), isolation.timeoutMs);
      }
      end = await isolate.run(toBinary(AssignmentSchema, assignment), {
        signal: abort.signal,
        graceMs: this.#options.graceMs ?? DEFAULT_GRACE_MS,
        onLog: (text) => log.append(text),
        onRequest: (value) => this.#eagerRequest(value as EagerCallRequest, abort.signal),
      });
      clearTimeout(timer);
      this.#isolates.release(isolation.key, isolate, isolation.fresh);
    }
    this.#running.delete(id);
    this.#slotFreed?.();
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
    if (outcome.case === "error") log.seal(`[flyte] ${what} failed: ${outcome.value.error?.code ?? "?"}: ${outcome.value.error?.message ?? ""}`);
    else log.seal();
    // No last chunk: Complete carries the whole log (one RPC and one write per attempt).
    await log.settled();
    const request = create(CompleteRequestSchema, { workerId: this.id, attemptId: id, outcome, log: log.text(), startedAt: BigInt(startedAt), finishedAt: BigInt(Date.now()) });
    for (let tries = 1; ; tries++) {
      try {
        const res = await this.#client.complete(request);
        if (res.status === CompleteResponse_Status.LEASE_LOST) this.#log(`${what}: the lease was lost before completion; the server ignored the outcome`);
        return;
      } catch (err) {
        if (tries >= 5 || !isTransient(err)) {
          this.#log(`${what}: could not report the outcome (${describe(err)}); the server will retry the attempt when its lease expires`);
          return;
        }
        await sleep(200 * 2 ** tries);
      }
    }
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
    this.#slotFreed?.();
    try {
      return await this.#client.runEagerChild(...args);
    } finally {
      this.#lent--;
    }
  }

  async #heartbeat(): Promise<void> {
    if (this.#running.size === 0) return;
    try {
      const res = await this.#client.heartbeat({ workerId: this.id, attemptIds: [...this.#running.keys()], leaseMs: this.#leaseMs });
      for (const id of res.cancelledAttemptIds) this.#running.get(id)?.abort.abort(new DOMException("cancelled by the server", "AbortError"));
    } catch (err) {
      this.#log(`heartbeat failed (${describe(err)})`);
    }
  }
}

function isTransient(err: unknown): boolean {
  const code = ConnectError.from(err).code;
  return code === Code.Unavailable || code === Code.Unknown || code === Code.Internal || code === Code.DeadlineExceeded;
}

function describe(err: unknown): string {
  const e = ConnectError.from(err);
  return `${Code[e.code]}: ${e.rawMessage}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
