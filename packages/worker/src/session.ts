/**
 * The worker's end of `WorkerService.Session`: one HTTP/2 stream to the server for as long as the
 * worker runs. Up go credit (free slots not yet granted), completions (many per message, batched
 * per turn of the event loop, as the bytes the worker built: completion-bytes.ts) and, when
 * nothing else was sent for a third of the lease, an empty message that keeps the leases alive;
 * down come assignments, acks and cancellations. A stream that breaks is opened again with
 * backoff; the new one names the attempts still running (so their leases stay alive) and carries
 * every completion not yet acknowledged (the server answers DUPLICATE for any it had recorded:
 * nothing is recorded twice). The stream is a plain HTTP/2 stream (session-stream.ts) on the
 * connection of the worker's other calls.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { envelope } from "@flyte/engine";
import type { Assignment, CompletionAck_Status, SessionRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { sessionRequestBytes } from "./completion-bytes.ts";
import type { DecodedResponse } from "./session-response.ts";
import { SessionStream } from "./session-stream.ts";

type SessionRequestInit = MessageInitShape<typeof SessionRequestSchema>;

/** What the session asks of its worker. */
export interface SessionHost {
  /**
   * Attempts leased to this worker: run them. `sent[i]`: assignment i as the server sent it
   * without its template, when known (session-response.ts), a view to copy before keeping.
   */
  assigned(assignments: readonly Assignment[], sent: readonly (Uint8Array | undefined)[]): void;
  /** Attempts the server stopped (cancelled, timed out, lease lost). */
  cancelled(attemptIds: readonly string[]): void;
  /** Slots free now (concurrency − running + lent); 0 while stopping. */
  free(): number;
  /** Attempts running now (their leases must stay alive across a reconnect). */
  running(): string[];
  /** Status lines. */
  log(line: string): void;
}

/** Options of {@link WorkerSession}. */
export interface WorkerSessionOptions {
  readonly workerId: string;
  readonly endpoint: string;
  readonly leaseMs: number;
}

/** One worker's stream, reopened while it runs. `run()` until `close()`. */
export class WorkerSession {
  readonly #connection: Http2SessionManager;
  readonly #options: WorkerSessionOptions;
  readonly #host: SessionHost;
  readonly #closing = new AbortController();
  /** Completions sent and not acknowledged, by attempt id, with who waits for the ack. */
  readonly #unacked = new Map<string, { request: Uint8Array; acked: (status: CompletionAck_Status | undefined) => void }>();
  #requests: SessionStream | undefined;
  /** Credit granted on the current stream and not used by assignments yet. */
  #outstanding = 0;
  #toSend: Uint8Array[] = [];
  #flushScheduled = false;
  #lastSent = 0;

  /** `connection`: the HTTP/2 connection to the server (shared with the worker's other calls). */
  constructor(connection: Http2SessionManager, options: WorkerSessionOptions, host: SessionHost) {
    this.#connection = connection;
    this.#options = options;
    this.#host = host;
  }

  /** Keeps a stream open (reconnecting with backoff) until {@link close}. */
  async run(): Promise<void> {
    const keepAlive = setInterval(() => {
      if (performance.now() - this.#lastSent >= this.#options.leaseMs / 3) this.#send({});
    }, Math.max(20, Math.floor(this.#options.leaseMs / 3)));
    let failures = 0;
    let failingSince = 0;
    try {
      while (!this.#closing.signal.aborted) {
        let error: unknown;
        const opened = await this.#stream().then(
          (answered) => answered,
          (err: unknown) => ((error = err), false),
        );
        if (this.#closing.signal.aborted) break;
        if (opened) failures = 0;
        const why = error === undefined ? "the server ended the stream" : describe(error);
        if (failures++ === 0) {
          failingSince = Date.now();
          this.#host.log(`lost the session with ${this.#options.endpoint} (${why}); reconnecting with backoff (up to every 5 s)`);
        } else if (failures % 12 === 0) {
          this.#host.log(`still cannot reach ${this.#options.endpoint} after ${Math.round((Date.now() - failingSince) / 1000)} s (${why}); retrying`);
        }
        await sleep(Math.min(5_000, 50 * 2 ** Math.min(failures, 7)), this.#closing.signal);
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Free slots may have grown: grant the server the difference (batched per turn). */
  refresh(): void {
    if (this.#host.free() > this.#outstanding) this.#schedule();
  }

  /**
   * Reports attempt `attemptId`'s outcome, `request` (its `CompleteRequest`, binary:
   * completion-bytes.ts); resolves with the server's ack, or undefined when closed first.
   */
  complete(attemptId: string, request: Uint8Array): Promise<CompletionAck_Status | undefined> {
    if (this.#closing.signal.aborted) return Promise.resolve(undefined);
    const { promise, resolve } = Promise.withResolvers<CompletionAck_Status | undefined>();
    this.#unacked.set(attemptId, { request, acked: resolve });
    this.#toSend.push(request);
    this.#schedule();
    return promise;
  }

  /** Ends the stream; completions still unacknowledged resolve undefined. */
  close(): void {
    this.#closing.abort();
    this.#requests?.end();
    for (const { acked } of this.#unacked.values()) acked(undefined);
    this.#unacked.clear();
  }

  /** One stream, until it ends; resolves whether the server answered at all. */
  async #stream(): Promise<boolean> {
    let answered = false;
    const requests = new SessionStream(
      this.#connection,
      (decoded) => {
        answered = true;
        this.#received(decoded);
      },
      this.#closing.signal,
    );
    this.#requests = requests;
    this.#outstanding = 0;
    // Everything unacknowledged goes again on the new stream (the old one's fate is unknown).
    this.#toSend = [];
    const credit = Math.max(0, this.#host.free());
    this.#outstanding = credit;
    this.#push({ workerId: this.#options.workerId, leaseMs: this.#options.leaseMs, heldAttemptIds: this.#host.running(), credit }, [...this.#unacked.values()].map((u) => u.request));
    try {
      await requests.done;
      return answered;
    } catch (err) {
      if (answered || this.#closing.signal.aborted) return answered;
      throw err;
    } finally {
      requests.end();
      if (this.#requests === requests) this.#requests = undefined;
    }
  }

  /** One message from the server: assignments to run, acks, cancellations. */
  #received({ response: res, sent }: DecodedResponse): void {
    if (res.assignments.length > 0) {
      this.#outstanding -= res.assignments.length;
      withTemplates(res.assignments);
      this.#host.assigned(res.assignments, sent);
    }
    for (const ack of res.acks) {
      const waiting = this.#unacked.get(ack.attemptId);
      this.#unacked.delete(ack.attemptId);
      waiting?.acked(ack.status);
    }
    if (res.cancelledAttemptIds.length > 0) this.#host.cancelled(res.cancelledAttemptIds);
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One message per turn: completions of attempts that end together travel together. (Sending
    // the turn's first completion at once, in a nextTick, cost the throughput row 5-15% and did
    // not show in the step: docs/benchmarks.md, seventh round.)
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Sends the credit not granted yet and the completions waiting, if any. */
  #flush(): void {
    const free = this.#host.free();
    const credit = Math.max(0, free - this.#outstanding);
    const completions = this.#toSend;
    this.#toSend = [];
    if (credit === 0 && completions.length === 0) return;
    this.#outstanding += credit;
    this.#send({ credit }, completions);
  }

  #send(message: SessionRequestInit, completions: readonly Uint8Array[] = []): void {
    // No stream now: the next one's first message carries the unacknowledged completions and fresh credit.
    if (this.#requests === undefined) return;
    this.#push(message, completions);
  }

  #push(message: SessionRequestInit, completions: readonly Uint8Array[] = []): void {
    this.#lastSent = performance.now();
    this.#requests?.write(envelope(0, sessionRequestBytes(message, completions)));
  }
}

/**
 * Fills in the templates the server sent once per message (`Assignment.task_from`): the
 * assignments then share one decoded `TaskTemplate`, which nothing changes.
 */
export function withTemplates(assignments: readonly Assignment[]): void {
  for (const assignment of assignments) {
    if (assignment.task === undefined && assignment.taskFrom > 0) {
      const task = assignments[assignment.taskFrom - 1]?.task;
      if (task !== undefined) assignment.task = task;
    }
  }
}

/** `Code: message` of an RPC error. */
export function describe(err: unknown): string {
  const e = ConnectError.from(err);
  return `${Code[e.code]}: ${e.rawMessage}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
