/**
 * `WorkerService.Session` on the server: one bidirectional stream per worker process replaces
 * the long-polled `Lease`, the per-attempt `Complete` and the `Heartbeat` RPCs (docs/benchmarks.md).
 * The worker grants credit; a lease loop hands out that many attempts as soon as they are
 * enqueued; completions arrive many per message and are recorded exactly once each (the queue
 * decides), then acknowledged after their fsync; while the worker is heard from, a timer keeps its
 * leases alive and reports cancelled attempts. When the stream ends the session stops extending
 * leases, so a worker that died or hung loses its attempts when their leases run out.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import {
  AssignmentSchema,
  CompletionAck_Status,
  type Assignment,
  type CompleteRequest,
  type CompletionAck,
  type SessionRequest,
  type SessionResponse,
  SessionResponseSchema,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import type { LeasedAttempt } from "../queue/queue-types.ts";
import { isQueueError } from "../queue/queue-error.ts";
import { recordedBytesOf } from "./completion-wire.ts";
import { sessionResponseBytes } from "./session-response.ts";
import type { WorkerTaskRunner } from "./worker-task-runner.ts";

/** Defaults and bounds of the worker protocol. */
export const WORKER_PROTOCOL = {
  /** Lease length when a worker asks for 0. */
  defaultLeaseMs: 30_000,
  /** Longest wait of one lease round; the loop starts another after it. */
  maxWaitMs: 30_000,
  /** Most attempts one lease round hands out. */
  maxLease: 64,
  /**
   * Longest an ack waits for a message that goes anyway (a hand-out, a cancellation) before it
   * goes on its own, while the worker has credit left (so a hand-out may come). `flyte worker`'s
   * credit follows its free slots and only its bookkeeping waits for an ack, so on a chain's path
   * the ack of one step rides with a later hand-out instead of being a message, a write and a
   * wake-up of the worker of its own per step. A worker with no credit left may be waiting for
   * acks to grant more (the test worker does): its acks go at once.
   */
  ackDelayMs: 20,
} as const;

/** What a session works on. */
export interface WorkerSessionEnv {
  readonly queue: AttemptQueue;
  readonly runner: WorkerTaskRunner;
  /** Aborted on shutdown: ends every session at once. */
  readonly closing?: AbortSignal;
  /** How long an ack may wait for a hand-out to ride with. @default WORKER_PROTOCOL.ackDelayMs */
  readonly ackDelayMs?: number;
}

/** Serves one worker's stream until it ends, the worker goes quiet, or the server shuts down. */
export async function* workerSession(env: WorkerSessionEnv, requests: AsyncIterable<SessionRequest>, ctx: HandlerContext): AsyncGenerator<SessionResponse> {
  const session = startSession(env, requests, ctx.signal);
  try {
    for (;;) {
      const next = await session.out.take(session.signal);
      if (next === undefined) break;
      yield next;
    }
  } finally {
    await session.stop();
  }
}

/** One session's logic, for a transport to carry: connect-es's router above, or session-direct.ts. */
export interface RunningSession {
  /** What to send, one message at a time. */
  readonly out: Outbox;
  /** Aborted when the transport ends, the session is stopped, or the server shuts down. */
  readonly signal: AbortSignal;
  /** Stops the session; resolves once it read its last request and settled its completions. */
  stop(): Promise<void>;
}

/** Starts a session reading `requests`; `transport` aborts when the stream is gone. */
export function startSession(env: WorkerSessionEnv, requests: AsyncIterable<SessionRequest>, transport: AbortSignal): RunningSession {
  const out = new Outbox(env.ackDelayMs === undefined ? {} : { ackDelayMs: env.ackDelayMs });
  const stopping = new AbortController();
  const signal = AbortSignal.any([transport, stopping.signal, ...(env.closing !== undefined ? [env.closing] : [])]);
  const reading = readRequests(env, requests, out, signal).then(
    () => out.close(),
    (error: unknown) => out.close(error),
  );
  return {
    out,
    signal,
    stop() {
      stopping.abort();
      return reading;
    },
  };
}

/** Reads the worker's messages; resolves when the worker ended its side and every ack is out. */
async function readRequests(env: WorkerSessionEnv, requests: AsyncIterable<SessionRequest>, out: Outbox, signal: AbortSignal): Promise<void> {
  const { queue, runner } = env;
  let state: SessionState | undefined;
  const completing = new Set<Promise<void>>();
  try {
    for await (const req of requests) {
      if (state === undefined) {
        if (req.workerId === "") throw new ConnectError("Session needs worker_id in its first message; send a stable id per worker process", Code.InvalidArgument);
        state = new SessionState(queue, req.workerId, req.leaseMs === 0 ? WORKER_PROTOCOL.defaultLeaseMs : req.leaseMs, out, signal);
        for (const id of req.heldAttemptIds) state.hold(id);
      }
      state.heard(req.credit);
      for (const completion of req.completions) {
        state.release(completion.attemptId);
        const session = state;
        // With no credit left the worker may be waiting for the ack to grant more: it goes at once.
        const done = complete(queue, runner, state.workerId, completion).then((ack) => out.ack(ack, session.credit > 0));
        completing.add(done);
        void done.finally(() => completing.delete(done)).catch(() => undefined);
      }
    }
    // The worker ended its side (it is stopping): answer what it sent, then end ours.
    await Promise.all(completing);
  } finally {
    state?.close();
  }
}

/** Records one completion; its ack once durable (see AttemptQueue.complete). */
async function complete(queue: AttemptQueue, runner: WorkerTaskRunner, workerId: string, req: CompleteRequest): Promise<CompletionAck> {
  const ack = (status: CompletionAck_Status): CompletionAck => ({ $typeName: "flyte.worker.v1.CompletionAck", attemptId: req.attemptId, status });
  const id = Number(req.attemptId);
  if (!/^\d+$/.test(req.attemptId) || !Number.isSafeInteger(id)) return ack(CompletionAck_Status.UNKNOWN_ATTEMPT);
  const recorded = recordedBytesOf(req);
  try {
    // The runner wakes as soon as the completion is recorded, before its fsync: the engine's
    // reaction (node events, the next attempt's enqueue) then shares that fsync'd commit, and
    // the ack still waits for it.
    const outcome = await queue.complete(id, workerId, recorded, () => runner.completed(id, req), req.log, req.leaseToken);
    return ack(outcome === "recorded" ? CompletionAck_Status.RECORDED : outcome === "duplicate" ? CompletionAck_Status.DUPLICATE : CompletionAck_Status.LEASE_LOST);
  } catch (error) {
    if (isQueueError(error) && error.code === "E_ATTEMPT_NOT_FOUND") return ack(CompletionAck_Status.UNKNOWN_ATTEMPT);
    throw error;
  }
}

/** A session's worker, its credit, the attempts it holds, its lease loop and lease keeper. */
class SessionState {
  readonly workerId: string;
  readonly #queue: AttemptQueue;
  readonly #leaseMs: number;
  readonly #out: Outbox;
  readonly #signal: AbortSignal;
  /** Attempts handed out and not completed: their leases are kept alive. */
  readonly #held = new Set<number>();
  readonly #keeper: NodeJS.Timeout;
  readonly #closed = new AbortController();
  #credit = 0;
  #creditArrived: (() => void) | undefined;
  #lastHeard = performance.now();
  #keeping = false;

  constructor(queue: AttemptQueue, workerId: string, leaseMs: number, out: Outbox, signal: AbortSignal) {
    this.#queue = queue;
    this.workerId = workerId;
    this.#leaseMs = leaseMs;
    this.#out = out;
    this.#signal = AbortSignal.any([signal, this.#closed.signal]);
    this.#keeper = setInterval(() => void this.#keep(), Math.max(20, Math.floor(leaseMs / 3)));
    void this.#leaseLoop().catch((error: unknown) => out.close(error));
  }

  /** Attempts the worker can still take: while it has some, a hand-out may come to carry an ack. */
  get credit(): number {
    return this.#credit;
  }

  hold(attemptId: string): void {
    const id = Number(attemptId);
    if (Number.isSafeInteger(id)) this.#held.add(id);
  }

  release(attemptId: string): void {
    this.#held.delete(Number(attemptId));
  }

  /** Any message from the worker: it is alive; `credit` more attempts may be handed out. */
  heard(credit: number): void {
    this.#lastHeard = performance.now();
    if (credit <= 0) return;
    this.#credit += credit;
    this.#creditArrived?.();
  }

  /** The worker's side ended: no more leases, no more extensions. */
  close(): void {
    clearInterval(this.#keeper);
    this.#closed.abort();
  }

  async #leaseLoop(): Promise<void> {
    while (!this.#signal.aborted) {
      if (this.#credit <= 0) {
        await wakeOrAbort((wake) => (this.#creditArrived = wake), this.#signal);
        this.#creditArrived = undefined;
        continue;
      }
      const leased = await this.#queue.leaseOrWait(this.workerId, {
        max: Math.min(this.#credit, WORKER_PROTOCOL.maxLease),
        leaseMs: this.#leaseMs,
        waitMs: WORKER_PROTOCOL.maxWaitMs,
        signal: this.#signal,
      });
      // Leased after the stream ended: never delivered, so they expire and are retried.
      if (this.#signal.aborted) return;
      this.#credit -= leased.length;
      for (const attempt of leased) this.#held.add(attempt.id);
      this.#out.assign(leased);
    }
  }

  /** Extends the held leases while the worker is heard from; reports the ones it lost. */
  async #keep(): Promise<void> {
    if (this.#keeping || this.#held.size === 0 || this.#signal.aborted) return;
    // A worker whose loop hangs keeps its connection open but sends nothing: its leases lapse.
    if (performance.now() - this.#lastHeard > this.#leaseMs) return;
    this.#keeping = true;
    try {
      const ids = [...this.#held];
      const kept = new Set(await this.#queue.heartbeat(this.workerId, ids, this.#leaseMs));
      const lost = ids.filter((id) => !kept.has(id) && this.#held.delete(id));
      if (lost.length > 0) this.#out.cancel(lost.map(String));
    } catch (error) {
      this.#out.close(error);
    } finally {
      this.#keeping = false;
    }
  }
}

/**
 * What the session sends next: everything pushed since the last message goes out as ONE
 * message (assignments, acks and cancellations of many attempts together), built when taken: as
 * a `SessionResponse` for the router ({@link take}), or as bytes for the direct path
 * ({@link takeNow}: session-response.ts, the assignments from the bytes the queue holds). An ack
 * alone makes no message at once while its worker has credit left: it waits up to `ackDelayMs`
 * (WORKER_PROTOCOL.ackDelayMs) for one that goes anyway, and goes with the outbox's end if that
 * comes first.
 */
export class Outbox {
  /**
   * Called when a message becomes pending or the outbox closes: a transport that writes when
   * it likes (session-direct.ts) rather than awaiting {@link take}.
   */
  onReady: (() => void) | undefined;
  #leased: LeasedAttempt[] = [];
  #acks: CompletionAck[] = [];
  #cancelled: string[] = [];
  #pending = false;
  #wake: (() => void) | undefined;
  #closed = false;
  #error: unknown;
  readonly #ackDelayMs: number;
  /** Makes the acks waiting a message of their own once their delay is up. */
  #ackTimer: NodeJS.Timeout | undefined;
  readonly #acksDue = (): void => {
    this.#ackTimer = undefined;
    if (this.#acks.length > 0) this.#ready();
  };

  /** `ackDelayMs`: see the class comment; 0 sends every ack at once. */
  constructor(options: { readonly ackDelayMs?: number } = {}) {
    this.#ackDelayMs = options.ackDelayMs ?? WORKER_PROTOCOL.ackDelayMs;
  }

  assign(leased: readonly LeasedAttempt[]): void {
    if (leased.length === 0) return;
    this.#leased.push(...leased);
    this.#ready();
  }

  /**
   * Queues an ack. `mayWait` false sends it with the next message at once (the session's worker
   * has no credit left, so no hand-out would come to carry it).
   */
  ack(ack: CompletionAck, mayWait = true): void {
    this.#acks.push(ack);
    if (this.#pending) return;
    if (!mayWait || this.#ackDelayMs <= 0) {
      this.#ready();
      return;
    }
    this.#ackTimer ??= setTimeout(this.#acksDue, this.#ackDelayMs);
  }

  cancel(ids: readonly string[]): void {
    this.#cancelled.push(...ids);
    this.#ready();
  }

  /** No more messages after those pending; `error` ends the stream with it. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    // The acks still waiting go before the end.
    if (this.#acks.length > 0) this.#pending = true;
    this.#wake?.();
    this.onReady?.();
  }

  /**
   * The pending message, binary, taken now (undefined when none); once closed and drained,
   * `{ end: true, error }` instead, `error` a ConnectError or undefined.
   */
  takeNow(): Uint8Array | { readonly end: true; readonly error: ConnectError | undefined } | undefined {
    // Acks waiting for their delay go too: a message is being written anyway.
    if (this.#pending || this.#acks.length > 0) {
      const bytes = sessionResponseBytes(this.#leased, this.#acks, this.#cancelled);
      this.#clear();
      return bytes;
    }
    if (this.#closed) return { end: true, error: this.#error === undefined ? undefined : ConnectError.from(this.#error) };
    return undefined;
  }

  /** The next message; undefined once closed and drained (or when `signal` aborts). */
  async take(signal: AbortSignal): Promise<SessionResponse | undefined> {
    while (!this.#pending) {
      if (this.#closed) {
        if (this.#error !== undefined) throw ConnectError.from(this.#error);
        return undefined;
      }
      if (signal.aborted) return undefined;
      await wakeOrAbort((wake) => (this.#wake = wake), signal);
      this.#wake = undefined;
    }
    const next = create(SessionResponseSchema, { acks: this.#acks, cancelledAttemptIds: this.#cancelled });
    /** Templates in the message, by object, with the index of the first assignment carrying each. */
    const templates = new Map<object, number>();
    for (const attempt of this.#leased) {
      const assignment = assignmentOf(attempt);
      // A map's items share their node's template object (the runner's message): it goes once
      // per message, and later items point at it (Assignment.task_from).
      const task = assignment.task;
      const first = task === undefined ? undefined : templates.get(task);
      if (first !== undefined) {
        delete assignment.task;
        assignment.taskFrom = first + 1;
      } else if (task !== undefined) {
        templates.set(task, next.assignments.length);
      }
      next.assignments.push(assignment);
    }
    this.#clear();
    return next;
  }

  #ready(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#wake?.();
    this.onReady?.();
  }

  #clear(): void {
    // The acks taken go with this message; none waits for its own.
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#pending = false;
    this.#leased = [];
    this.#acks = [];
    this.#cancelled = [];
  }
}

/**
 * The queued assignment with the ids the worker needs: its attempt id and lease deadline. The
 * runner's own message when this process enqueued it (worker-task-runner.ts), else decoded.
 */
function assignmentOf(attempt: LeasedAttempt): Assignment {
  const assignment = (attempt.decoded as Assignment | undefined) ?? fromBinary(AssignmentSchema, attempt.payload);
  assignment.attemptId = String(attempt.id);
  assignment.leaseExpiresAt = BigInt(attempt.leaseUntil);
  assignment.leaseToken = attempt.leaseToken;
  return assignment;
}

/** Resolves when `arm`'s wake-up is called or `signal` aborts, leaving no listener behind. */
function wakeOrAbort(arm: (wake: () => void) => void, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    arm(done);
  });
}
