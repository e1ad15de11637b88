/** An attempt to queue: one try of one task node, with the request a worker needs to run it. */
export interface EnqueueRequest {
  readonly executionId: string;
  readonly nodeId: string;
  /** Zero-based attempt number; (executionId, nodeId, attempt) identifies the queued attempt. */
  readonly attempt: number;
  /** Which task (and code bundle) the worker must load, e.g. `project:domain:name:version`. */
  readonly taskKey: string;
  /** The serialized run request, opaque to the queue. */
  readonly payload: Uint8Array;
  /** Higher is leased first; equal priorities are leased in enqueue order. @default 0 */
  readonly priority?: number;
  /**
   * The payload as the enqueuer built it, kept in memory (never stored) and handed to the lease
   * holder as {@link LeasedAttempt.decoded}, so a hand-out in this process need not decode what
   * was just encoded. Opaque to the queue. @default none
   */
  readonly decoded?: object;
}

/** Where `enqueueOrFind` found an attempt: its id, its state then, and its result if it had ended. */
export interface FoundAttempt {
  readonly id: number;
  readonly state: AttemptState;
  readonly result?: Uint8Array;
}

/** Where a queued attempt is in its life. `completed`, `expired` and `cancelled` are final. */
export type AttemptState = "pending" | "leased" | "completed" | "expired" | "cancelled";

/** A queued attempt as stored. */
export interface QueuedAttempt {
  /** The queue's id of the attempt; workers heartbeat and complete by it. */
  readonly id: number;
  readonly executionId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly taskKey: string;
  readonly priority: number;
  readonly state: AttemptState;
  /** The worker holding (or that last held) the lease. */
  readonly workerId?: string;
  /** When the current lease runs out, in ms since the epoch. */
  readonly leaseUntil?: number;
  /** How many times the attempt was leased. */
  readonly leaseCount: number;
  readonly enqueuedAt: number;
  readonly completedAt?: number;
  /** The worker's result, once completed. */
  readonly result?: Uint8Array;
  /** What the task printed: streamed while it runs, whole once completed. */
  readonly log?: string;
}

/** An attempt handed to a worker by `lease`. */
export interface LeasedAttempt {
  readonly id: number;
  readonly executionId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly taskKey: string;
  readonly payload: Uint8Array;
  readonly priority: number;
  /** The lease runs out at this time unless the worker heartbeats. */
  readonly leaseUntil: number;
  /** Names this lease: a completion must echo it (see AttemptQueue.complete). */
  readonly leaseToken: number;
  /**
   * `EnqueueRequest.decoded` of the attempt, when it was enqueued by this process (not after a
   * restart); handed out once: the holder may change it.
   */
  readonly decoded?: object;
}

/** Options of `lease`. */
export interface LeaseOptions {
  /** Most attempts to claim in this call (one transaction claims them all). */
  readonly max: number;
  /** How long the lease lasts without a heartbeat, in ms. */
  readonly leaseMs: number;
}

/** Options of `leaseOrWait`. */
export interface LeaseWaitOptions extends LeaseOptions {
  /** How long to wait for work when none is pending, in ms. */
  readonly waitMs: number;
  /** Stops waiting (resolving with what was leased, possibly nothing). @default none */
  readonly signal?: AbortSignal;
}

/**
 * What `complete` did: `recorded` (this call recorded the result), `duplicate` (a result was
 * already recorded; this one is ignored), `lost-lease` (the caller no longer holds the lease:
 * it expired, the attempt was cancelled, or another worker holds it; the result is ignored).
 */
export type CompletionOutcome = "recorded" | "duplicate" | "lost-lease";

/** An attempt whose lease ran out (or that was cancelled), with the worker that held it. */
export interface ReleasedAttempt {
  readonly id: number;
  readonly executionId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly taskKey: string;
  readonly workerId?: string;
  readonly leaseCount: number;
}
