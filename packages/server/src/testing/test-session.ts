/**
 * A minimal worker end of `WorkerService.Session` for the server's tests and benchmarks: it grants
 * credit, collects assignments and cancellations, sends completions and waits for their acks.
 * With `reconnect`, a stream that fails is opened again (naming the attempts still held and
 * resending unacknowledged completions), as the real worker does (packages/worker/src/session.ts).
 * `open` is the RPC (a client's `session`) or, in unit tests, the handler itself.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Channel } from "@flyte/engine";
import {
  CompleteRequestSchema,
  SessionRequestSchema,
  type Assignment,
  type CompleteRequest,
  type CompletionAck_Status,
  type SessionRequest,
  type SessionResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";

/** Opens one stream. */
export type OpenSession = (requests: AsyncIterable<SessionRequest>, signal: AbortSignal) => AsyncIterable<SessionResponse>;

/** Options of {@link TestSession}. */
export interface TestSessionOptions {
  readonly workerId: string;
  /** @default 30000 */
  readonly leaseMs?: number;
  /** Credit granted when the stream opens. @default 0 */
  readonly credit?: number;
  /** Open a new stream when one fails (a restarting server). @default false */
  readonly reconnect?: boolean;
  /** Called with each batch of assignments. */
  readonly onAssigned?: (assignments: readonly Assignment[]) => void;
  /** Called with attempts the server cancelled. */
  readonly onCancelled?: (attemptIds: readonly string[]) => void;
}

/** A session: see the module comment. */
export class TestSession {
  /** Assignments received and not yet taken by {@link next}. */
  readonly assignments: Assignment[] = [];
  /** Every attempt id the server cancelled. */
  readonly cancelled: string[] = [];
  /** Attempts held (assigned, not completed). */
  readonly held = new Set<string>();
  /** Resolves when the session ended for good (closed, or failed without `reconnect`). */
  readonly ended: Promise<void>;
  readonly #open: OpenSession;
  readonly #options: TestSessionOptions;
  readonly #stop = new AbortController();
  readonly #acks = new Map<string, Array<(status: CompletionAck_Status | undefined) => void>>();
  readonly #unacked = new Map<string, CompleteRequest>();
  /** Lease tokens of the assignments received, echoed by their completions. */
  readonly #tokens = new Map<string, number>();
  #channel: Channel<SessionRequest> | undefined;
  #wake: (() => void) | undefined;
  #credit: number;

  constructor(open: OpenSession, options: TestSessionOptions) {
    this.#open = open;
    this.#options = options;
    this.#credit = options.credit ?? 0;
    this.ended = this.#run();
  }

  /** Grants `n` more attempts. */
  grant(n: number): void {
    this.#credit += n;
    this.#channel?.push(create(SessionRequestSchema, { credit: n }));
  }

  /** The next assignment (waiting up to `timeoutMs`). */
  async next(timeoutMs = 10_000): Promise<Assignment> {
    const deadline = Date.now() + timeoutMs;
    while (this.assignments.length === 0) {
      if (Date.now() > deadline) throw new Error(`no assignment within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
    }
    return this.assignments.shift() as Assignment;
  }

  /** Sends a completion; resolves with its ack (undefined if the session ended first). */
  complete(init: MessageInitShape<typeof CompleteRequestSchema>): Promise<CompletionAck_Status | undefined> {
    const request = create(CompleteRequestSchema, { workerId: this.#options.workerId, leaseToken: this.#tokens.get(init.attemptId ?? "") ?? 0, ...init });
    this.held.delete(request.attemptId);
    this.#unacked.set(request.attemptId, request);
    const { promise, resolve } = Promise.withResolvers<CompletionAck_Status | undefined>();
    const waiting = this.#acks.get(request.attemptId) ?? [];
    waiting.push(resolve);
    this.#acks.set(request.attemptId, waiting);
    this.#channel?.push(create(SessionRequestSchema, { completions: [request] }));
    return promise;
  }

  /** Sends a raw message (an empty one keeps leases alive). */
  send(init: MessageInitShape<typeof SessionRequestSchema>): void {
    this.#channel?.push(create(SessionRequestSchema, init));
  }

  /** Ends the stream (the server answers what it got first), then waits for the end. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#channel?.end();
    await this.ended;
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stop.signal.aborted) {
        const failed = await this.#stream().then(
          () => false,
          () => true,
        );
        if (!failed || this.#options.reconnect !== true || this.#stop.signal.aborted) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      for (const waiting of this.#acks.values()) for (const resolve of waiting) resolve(undefined);
      this.#acks.clear();
    }
  }

  async #stream(): Promise<void> {
    const channel = new Channel<SessionRequest>();
    this.#channel = channel;
    channel.push(
      create(SessionRequestSchema, {
        workerId: this.#options.workerId,
        leaseMs: this.#options.leaseMs ?? 30_000,
        credit: this.#credit,
        heldAttemptIds: [...this.held],
        completions: [...this.#unacked.values()],
      }),
    );
    if (this.#stop.signal.aborted) channel.end();
    try {
      for await (const res of this.#open(channel, this.#stop.signal)) {
        if (res.assignments.length > 0) {
          this.#credit -= res.assignments.length;
          for (const a of res.assignments) {
            // A template sent once per message (Assignment.task_from), as the real worker fills it in.
            if (a.task === undefined && a.taskFrom > 0) a.task = res.assignments[a.taskFrom - 1]?.task;
            this.held.add(a.attemptId);
            this.#tokens.set(a.attemptId, a.leaseToken);
          }
          this.assignments.push(...res.assignments);
          this.#options.onAssigned?.(res.assignments);
          this.#wake?.();
        }
        for (const ack of res.acks) {
          this.#unacked.delete(ack.attemptId);
          this.#acks.get(ack.attemptId)?.shift()?.(ack.status);
        }
        if (res.cancelledAttemptIds.length > 0) {
          this.cancelled.push(...res.cancelledAttemptIds);
          this.#options.onCancelled?.(res.cancelledAttemptIds);
        }
      }
    } finally {
      channel.end();
    }
  }
}
