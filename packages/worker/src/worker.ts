/**
 * The worker loop: long-polls `WorkerService.Lease` for attempts while it has free slots, runs
 * each one (attempt.ts) with its output captured (log-capture.ts), heartbeats the running ones
 * every lease/3 and stops those the server cancels, and reports each outcome with `Complete`.
 * It survives task crashes and a server that goes away (it retries with backoff).
 */
import { randomBytes } from "node:crypto";
import { hostname, homedir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CompleteRequestSchema, WorkerService, type Assignment, CompleteResponse_Status, type RunEagerChildResponse } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { crashOutcome, runAssignment, type AttemptOutcome } from "./attempt.ts";
import { CodeLoader } from "./code-loader.ts";
import { installCapture, runCaptured } from "./log-capture.ts";
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
}

interface Running {
  readonly assignment: Assignment;
  readonly abort: AbortController;
}

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
    for (const running of this.#running.values()) running.abort.abort(new Error("the worker is stopping"));
    await done;
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`flyte worker ${this.id}: ${line}`);
  }

  async #loop(): Promise<void> {
    const uninstall = installCapture((err) => this.#log(`error outside any task (ignored): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    const heartbeat = setInterval(() => void this.#heartbeat(), Math.max(50, Math.floor(this.#leaseMs / 3)));
    const attempts = new Set<Promise<void>>();
    let failures = 0;
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
          if (failures++ === 0) this.#log(`cannot lease from ${this.#options.endpoint} (${describe(err)}); retrying`);
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
      uninstall();
    }
  }

  async #attempt(assignment: Assignment): Promise<void> {
    const abort = new AbortController();
    const id = assignment.attemptId;
    this.#running.set(id, { assignment, abort });
    const startedAt = Date.now();
    const captured = runCaptured(() => runAssignment(assignment, this.#loader, abort.signal, this.id, (req, opts) => this.#eagerCall(req, opts)));
    const cancelled = new Promise<"cancelled">((r) => abort.signal.addEventListener("abort", () => r("cancelled"), { once: true }));
    let outcome: AttemptOutcome | "cancelled";
    try {
      outcome = await Promise.race([captured.result, cancelled]);
    } catch (err) {
      outcome = crashOutcome(err, this.id);
    }
    this.#running.delete(id);
    this.#slotFreed?.();
    const what = `${assignment.executionName}/${assignment.nodeId} attempt ${assignment.retryAttempt}`;
    if (outcome === "cancelled") {
      // The server gave up on this attempt (or the worker is stopping); its body may still run on.
      this.#log(`${what} ${this.#stopping.signal.aborted ? "abandoned: the worker is stopping" : "cancelled by the server"}`);
      return;
    }
    const request = create(CompleteRequestSchema, { workerId: this.id, attemptId: id, outcome, log: captured.log(), startedAt: BigInt(startedAt), finishedAt: BigInt(Date.now()) });
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
      for (const id of res.cancelledAttemptIds) this.#running.get(id)?.abort.abort(new Error("cancelled by the server"));
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
