import { randomInt } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { performance } from "node:perf_hooks";
import type { Database } from "../db/database.ts";
import { GroupAbortError, groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate } from "../db/migrations.ts";
import { QueueError } from "./queue-error.ts";
import { leasedKept, leasedOf, queued, released, type AttemptRow, type Kept } from "./queue-rows.ts";
import { queueMigrations } from "./queue-schema.ts";
import { prepareQueueStatements, type QueueStatements } from "./queue-statements.ts";
import type {
  AttemptState,
  CompletionOutcome,
  EnqueueRequest,
  FoundAttempt,
  LeasedAttempt,
  LeaseOptions,
  LeaseWaitOptions,
  QueuedAttempt,
  ReleasedAttempt,
} from "./queue-types.ts";

/** Options of {@link AttemptQueue}. */
export interface AttemptQueueOptions {
  /** Milliseconds since the epoch; tests pass a fake. @default Date.now */
  readonly now?: () => number;
}

/**
 * A worker waiting in {@link AttemptQueue.leaseOrWait} with nothing pending: attempts enqueued
 * meanwhile are leased to it inside their enqueue's own transaction and handed over right after
 * that COMMIT, with no lease transaction and no turn of the event loop in between.
 */
interface Claimer {
  readonly workerId: string;
  readonly max: number;
  readonly leaseMs: number;
  readonly token: number;
  /** Attempts leased to it by operations so far (their hooks deliver them after the commit). */
  reserved: number;
  readonly leased: LeasedAttempt[];
  readonly deliver: (leased: LeasedAttempt[] | undefined) => void;
}

/**
 * The durable queue of task attempts that workers lease. Every mutation but leases and
 * heartbeats (below) goes through the database's group committer: it is durable when its promise
 * resolves, and concurrent calls (many workers, many executions) share one fsync'd commit; a
 * completion shares the commit of its consequences (`complete`). Each claim runs in one transaction
 * (BEGIN IMMEDIATE), so two workers — even of two connections — never claim the same attempt.
 *
 * Leases and heartbeats commit at once WITHOUT waiting for an fsync (`runUnsynced`): a lease is
 * worth nothing without its worker, so losing one to power failure only means the attempt is
 * handed out again after the restart (tasks run at least once) and the old holder's completion
 * is refused as `lost-lease`. A crash of the process alone keeps them (the OS has the write).
 * This takes the lease's fsync off the node-to-node path: a long-polling worker gets an attempt
 * as soon as its enqueue commit returns. Like the fsync'd writes, unsynced ones of one turn share
 * a transaction, so many workers leasing at once cost one commit.
 *
 * Life of an attempt: `pending` → (`lease`) `leased` → (`complete`) `completed`; a lease that runs
 * out without a heartbeat becomes `expired` when `expire` runs (the server retries it as a new
 * attempt, a SYSTEM error); `cancel` ends pending and leased attempts of an execution.
 *
 * @example
 * const queue = new AttemptQueue(db);
 * await queue.enqueue({ executionId, nodeId: "n0", attempt: 0, taskKey, payload });
 * const [work] = await queue.leaseOrWait("worker-1", { max: 1, leaseMs: 30_000, waitMs: 20_000 });
 * if (work) await queue.complete(work.id, "worker-1", resultBytes);
 */
export class AttemptQueue {
  readonly #committer: GroupCommitter;
  readonly #now: () => number;
  readonly #work = new EventEmitter();
  readonly #sql: QueueStatements;
  #outstanding = 0;
  /** Workers waiting for work, in the order new attempts go to them (see {@link Claimer}). */
  #claimers: Claimer[] = [];
  /** Attempts whose completion was decided and is queued ahead of its reaction, not yet durable (see {@link complete}). */
  readonly #recording = new Set<number>();
  /**
   * Attempts enqueued with `EnqueueRequest.decoded` and not handed out yet, by id. Kept once their
   * enqueue has committed (a rolled-back insert leaves no entry), so an entry's id is its row's.
   */
  readonly #decoded = new Map<number, Kept>();

  /** Uses an open database (normally shared with the state store); applies the "queue" migrations. */
  constructor(db: Database, options: AttemptQueueOptions = {}) {
    migrate(db, "queue", queueMigrations);
    this.#committer = groupCommitterFor(db);
    this.#now = options.now ?? Date.now;
    this.#work.setMaxListeners(0);
    this.#sql = prepareQueueStatements(db.sqlite);
  }

  /**
   * Queues an attempt; resolves with its id once durable. Waiting workers are woken as soon as
   * it commits, before the fsync (a lease may hand it out then: nothing is acknowledged to a
   * client before the fsync, and the lease token keeps a reused row id apart). Idempotent:
   * enqueuing the same (execution, node, attempt) again returns the existing id and changes
   * nothing (a restarted server may re-enqueue what it had already queued).
   */
  async enqueue(request: EnqueueRequest): Promise<number> {
    if (!Number.isInteger(request.attempt) || request.attempt < 0) {
      throw new QueueError(
        "E_INVALID_ARGUMENT",
        `Cannot enqueue node "${request.nodeId}" of execution "${request.executionId}": attempt must be a non-negative integer, got ${request.attempt}.`,
      );
    }
    return this.#mutate(() => {
      const inserted = this.#insert(request);
      if (inserted !== undefined) return inserted.id;
      return (this.#sql.findId.get(request.executionId, request.nodeId, request.attempt) as { id: number }).id;
    });
  }

  /**
   * {@link enqueue}, answering also where the attempt is: a server that resumes an execution
   * after a restart learns in the same commit whether the attempt already finished (and with
   * what result), so it neither re-runs it nor waits for a completion that already came.
   *
   * `onCommitted` gets the same answer as soon as the enqueue has COMMITTED, before its fsync
   * (the promise resolves after it). The attempt may be handed out at that commit, and a worker
   * may complete it before the fsync returns: a caller waiting for the completion registers there,
   * so the completion's consequences never wait for the enqueue's fsync (docs/benchmarks.md, fifth
   * round). Not called when the enqueue fails.
   */
  async enqueueOrFind(request: EnqueueRequest, onCommitted?: (found: FoundAttempt) => void): Promise<FoundAttempt> {
    if (!Number.isInteger(request.attempt) || request.attempt < 0) return { id: await this.enqueue(request), state: "pending" };
    return this.#mutate((): FoundAttempt => {
      // A new row needs no read back: its id is the insert's, and it is pending or just leased.
      let found: FoundAttempt | undefined = this.#insert(request);
      if (found === undefined) {
        const row = this.#sql.findRow.get(request.executionId, request.nodeId, request.attempt) as { id: number; state: AttemptState; result: Uint8Array | null };
        found = row.result === null ? { id: row.id, state: row.state } : { id: row.id, state: row.state, result: row.result };
      }
      if (onCommitted !== undefined) this.#committer.afterCommit(() => onCommitted(found));
      return found;
    });
  }

  /**
   * Cancels one attempt if it is pending or leased (a timeout, an aborted node); resolves with it,
   * or undefined when it had already ended. Its holder's heartbeats stop answering for it.
   */
  cancelAttempt(attemptId: number): Promise<ReleasedAttempt | undefined> {
    return this.#mutate(() => {
      const row = this.#sql.cancelOne.get(attemptId) as AttemptRow | undefined;
      this.#forget(attemptId);
      return row === undefined ? undefined : released(row);
    });
  }

  /**
   * Claims up to `max` pending attempts for `workerId` in one transaction, highest priority first,
   * then oldest first. Resolves with nothing when nothing is pending. Sees committed attempts
   * only, and commits without waiting for an fsync (see the class comment).
   */
  lease(workerId: string, options: LeaseOptions): Promise<LeasedAttempt[]> {
    const max = Math.floor(options.max);
    if (max < 1) return Promise.resolve([]);
    return this.#unsynced(() => {
      const token = newLeaseToken();
      const until = this.#now() + options.leaseMs;
      const leased: LeasedAttempt[] = [];
      // In lease order: highest priority first, then oldest. Every id is pending in this transaction.
      for (const { id } of this.#sql.lease.all(max) as unknown as Array<{ id: number }>) {
        const kept = this.#decoded.get(id);
        if (kept !== undefined) {
          this.#decoded.delete(id);
          if (this.#sql.claimKept.run({ id, worker: workerId, until, token }).changes > 0) leased.push(leasedKept(id, kept, until, token));
          continue;
        }
        const row = this.#sql.claim.get({ id, worker: workerId, until, token }) as AttemptRow | undefined;
        if (row !== undefined) leased.push(leasedOf(row));
      }
      return leased;
    });
  }

  /**
   * {@link lease}, and when nothing is pending, waits (up to `waitMs`, or until `signal` aborts) for
   * work to be enqueued: a long poll. While it waits, attempts enqueued are leased to it in their
   * enqueue's own transaction and handed over as soon as that commits (before its fsync, as any
   * hand-out; the lease token keeps a reused row id apart), up to `max`, the waiting workers
   * taking new attempts in turn.
   */
  async leaseOrWait(workerId: string, options: LeaseWaitOptions): Promise<LeasedAttempt[]> {
    // Real time, not the queue's clock: this bounds a wait, it is not a lease time.
    const deadline = performance.now() + options.waitMs;
    for (;;) {
      // Something pending (read at once, committed rows only): lease it; if others took it
      // meanwhile, read again.
      if (this.#sql.anyPending.get() !== undefined) {
        const leased = await this.lease(workerId, options);
        if (leased.length > 0 || options.signal?.aborted === true || performance.now() >= deadline) return leased;
        continue;
      }
      if (options.signal?.aborted === true || performance.now() >= deadline) return [];
      // Nothing pending: wait as a claimer, without a lease transaction that would claim nothing
      // (one commit and a turn of the loop per hand-out). Registered in the same synchronous step
      // as the read above: an enqueue committed before was seen there, one that runs after finds
      // the claimer (group transactions run whole within one turn). One read per wait, not two:
      // an autocommit read costs some 25 µs (it opens a read transaction on the log).
      const claimed = await this.#waitAsClaimer(workerId, options, deadline - performance.now());
      if (claimed === undefined) return [];
      if (claimed.length > 0) return claimed;
    }
  }

  /**
   * Resolves `true` as soon as an attempt is enqueued, `false` after `timeoutMs` or when `signal`
   * aborts. For callers that lease on their own schedule.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.#nextWork(timeoutMs, signal).promise;
  }

  /**
   * Extends the leases `workerId` still holds among `attemptIds` by `leaseMs` from now; resolves
   * with the ids still held. An id missing from the answer was lost (expired, cancelled, completed
   * or never held): the worker should stop working on it.
   */
  heartbeat(workerId: string, attemptIds: readonly number[], leaseMs: number): Promise<number[]> {
    // Unsynced like the lease it extends: a lost extension only lets the lease lapse sooner.
    return this.#unsynced(() => {
      const until = this.#now() + leaseMs;
      return attemptIds.filter((id) => this.#sql.heartbeat.run(until, id, workerId).changes > 0);
    });
  }

  /**
   * Records a worker's result, exactly once. A result counts only from the worker holding the
   * lease (and, given `leaseToken`, for the lease that token names), even if the lease time ran
   * out, until `expire` reclaims the attempt.
   *
   * With `onRecorded`, the outcome is decided at once from the attempt's row and `onRecorded` is
   * called in this same synchronous step when this call records the result; the result's UPDATE
   * is queued FIRST in the next fsync'd group (GroupCommitter.submitAhead), so whatever the caller
   * writes in reaction (the engine's next events and enqueues) commits in the very transaction
   * that records the completion: one commit and one fsync per completion and its consequences,
   * and a crash keeps both or neither. Nothing can change the row between the decision and the
   * write: every write of this process goes through the committer, and the UPDATE runs before
   * anything queued earlier; a completion of the same attempt meanwhile is a duplicate. Should the
   * row have changed anyway (another connection), the whole group is undone (GroupAbortError)
   * rather than keeping consequences of a completion that was not recorded. Without `onRecorded`
   * (or when the committer cannot queue it first), the outcome is committed without waiting for
   * an fsync, then `onRecorded` called, its reaction sharing the next fsync'd commit.
   *
   * The promise resolves only after an fsync'd commit that holds the outcome (`recorded`,
   * `duplicate`), so an acknowledged completion is durable.
   *
   * @throws QueueError `E_ATTEMPT_NOT_FOUND` for an id the queue never issued.
   */
  async complete(attemptId: number, workerId: string, result: Uint8Array, onRecorded?: () => void, log?: string, leaseToken?: number): Promise<CompletionOutcome> {
    const params = { result, log: log ?? null, at: this.#now(), id: attemptId, worker: workerId, token: leaseToken ?? null };
    if (onRecorded !== undefined && !this.#committer.inOperation) {
      const decided = this.#decide(attemptId, workerId, leaseToken);
      if (decided !== "recorded") {
        // A duplicate waits too: the first completion may not be fsynced yet.
        if (decided === "duplicate") await this.#committer.synced();
        return decided;
      }
      const written = this.#committer.submitAhead(() => {
        if (this.#sql.complete.run(params).changes === 0) {
          throw new GroupAbortError(`Attempt ${attemptId} changed between its completion's decision and its write (another connection wrote it); its consequences are not kept.`);
        }
      });
      if (written !== undefined) {
        this.#outstanding++;
        this.#recording.add(attemptId);
        const done = written.finally(() => {
          this.#outstanding--;
          this.#recording.delete(attemptId);
        });
        // Awaited below; this keeps a failed group from being an unhandled rejection if onRecorded throws.
        done.catch(() => undefined);
        try {
          onRecorded();
        } finally {
          // The reaction's writes (and this UPDATE) commit once its microtasks have run, ahead of
          // the I/O still queued in this turn (GroupCommitter.commitSoon).
          this.#committer.commitSoon();
        }
        await done;
        return "recorded";
      }
    }
    // Committed at once when nothing is queued before it (GroupCommitter.submitUnsyncedNow): the
    // reaction in onRecorded then joins this turn's fsync'd group, a turn of the loop sooner.
    const outcome = await this.#unsynced((): CompletionOutcome => {
      if (this.#recording.has(attemptId)) return "duplicate";
      if (this.#sql.complete.run(params).changes > 0) return "recorded";
      const row = this.#sql.state.get(attemptId) as { state: AttemptState } | undefined;
      if (row === undefined) throw notIssued(attemptId, workerId);
      // Not held by this worker (or not by this lease of it), or completed already.
      return row.state === "completed" ? "duplicate" : "lost-lease";
    }, true);
    if (outcome === "recorded" && onRecorded !== undefined) {
      onRecorded();
      this.#committer.commitSoon();
    }
    // A duplicate waits too: the first completion may not be fsynced yet.
    if (outcome !== "lost-lease") await this.#committer.synced();
    return outcome;
  }

  /**
   * What `complete` would record, read now: the same conditions as its UPDATE (held by `workerId`,
   * by the lease `leaseToken` names if given), and a duplicate while an earlier completion of the
   * attempt waits for its commit.
   */
  #decide(attemptId: number, workerId: string, leaseToken: number | undefined): CompletionOutcome {
    const row = this.#sql.holder.get(attemptId) as { state: AttemptState; worker_id: string | null; lease_token: number | null } | undefined;
    if (row === undefined) throw notIssued(attemptId, workerId);
    if (row.state === "completed" || this.#recording.has(attemptId)) return "duplicate";
    const holds = row.state === "leased" && row.worker_id === workerId && (leaseToken === undefined || row.lease_token === leaseToken);
    return holds ? "recorded" : "lost-lease";
  }

  /**
   * Ends every lease that ran out by `now` (state `expired`) and returns those attempts, so the
   * server can fail them as SYSTEM errors and retry them as new attempts. A late `complete` from
   * the old holder then answers `lost-lease`.
   */
  expire(now: number = this.#now()): Promise<ReleasedAttempt[]> {
    return this.#mutate(() => (this.#sql.expire.all(now) as unknown as AttemptRow[]).map(released));
  }

  /**
   * Cancels the pending and leased attempts of an execution (terminate); returns them, with the
   * worker holding each leased one, so it can be told to stop. Their heartbeats stop answering.
   */
  cancel(executionId: string): Promise<ReleasedAttempt[]> {
    return this.#mutate(() =>
      (this.#sql.cancel.all(executionId) as unknown as AttemptRow[]).map((row) => {
        this.#forget(row.id);
        return released(row);
      }),
    );
  }

  /** How many attempts wait for a worker (after this queue's pending writes commit). */
  async pendingCount(): Promise<number> {
    await this.#settled();
    return (this.#sql.pending.get() as { n: number }).n;
  }

  /** One attempt, with its state and result. */
  async get(attemptId: number): Promise<QueuedAttempt | undefined> {
    await this.#settled();
    const row = this.#sql.get.get(attemptId) as AttemptRow | undefined;
    return row === undefined ? undefined : queued(row);
  }

  /** Every attempt queued for an execution, in enqueue order (for recovery and inspection). */
  async listByExecution(executionId: string): Promise<QueuedAttempt[]> {
    await this.#settled();
    return (this.#sql.byExecution.all(executionId) as unknown as AttemptRow[]).map(queued);
  }

  /**
   * Replaces an attempt's log with `edit(current log)` (the worker's streamed chunks, in order).
   * Committed without waiting for an fsync: a log is a copy for people, and `complete` stores the
   * whole log again, durably, with the outcome.
   */
  async rewriteLog(attemptId: number, edit: (log: string) => string): Promise<void> {
    await this.#unsynced(() => {
      const row = this.#sql.getLog.get(attemptId) as { log: string | null } | undefined;
      if (row !== undefined) this.#sql.setLog.run(edit(row.log ?? ""), attemptId);
    });
  }

  /** One attempt by execution, node and attempt number, with its state, result and log. */
  async find(executionId: string, nodeId: string, attempt: number): Promise<QueuedAttempt | undefined> {
    await this.#settled();
    const row = this.#sql.byNode.get(executionId, nodeId, attempt) as AttemptRow | undefined;
    return row === undefined ? undefined : queued(row);
  }

  /** An attempt's recorded result alone (not its log or payload), once completed. */
  async resultOf(executionId: string, nodeId: string, attempt: number): Promise<Uint8Array | undefined> {
    await this.#settled();
    return (this.#sql.resultByNode.get(executionId, nodeId, attempt) as { result: Uint8Array | null } | undefined)?.result ?? undefined;
  }

  /** What an attempt was enqueued with (an encoded `Assignment`: its task and inputs). */
  async payloadOf(executionId: string, nodeId: string, attempt: number): Promise<Uint8Array | undefined> {
    await this.#settled();
    return (this.#sql.payloadByNode.get(executionId, nodeId, attempt) as { payload: Uint8Array } | undefined)?.payload;
  }

  async #mutate<T>(op: () => T): Promise<T> {
    this.#outstanding++;
    try {
      return await this.#committer.submit(op);
    } finally {
      this.#outstanding--;
    }
  }

  /**
   * {@link #mutate} for writes committed without waiting for an fsync (see the class comment);
   * `now`: committed at once when the committer allows it (`submitUnsyncedNow`).
   */
  async #unsynced<T>(op: () => T, now = false): Promise<T> {
    this.#outstanding++;
    try {
      return await (now ? this.#committer.submitUnsyncedNow(op) : this.#committer.submitUnsynced(op));
    } finally {
      this.#outstanding--;
    }
  }

  async #settled(): Promise<void> {
    if (this.#outstanding > 0) await this.#committer.flush().catch(() => undefined);
  }

  /**
   * Waits as a {@link Claimer}: resolves with the attempts leased to it, undefined after
   * `timeoutMs` or when `signal` aborts. The caller has just read that nothing is pending, in the
   * same synchronous step.
   */
  #waitAsClaimer(workerId: string, options: LeaseWaitOptions, timeoutMs: number): Promise<LeasedAttempt[] | undefined> {
    const { promise, resolve } = Promise.withResolvers<LeasedAttempt[] | undefined>();
    const signal = options.signal;
    const stop = (): void => claimer.deliver(undefined);
    const timer = setTimeout(stop, Math.max(0, timeoutMs));
    const claimer: Claimer = {
      workerId,
      max: Math.max(1, Math.floor(options.max)),
      leaseMs: options.leaseMs,
      token: newLeaseToken(),
      reserved: 0,
      leased: [],
      deliver: (leased) => {
        // Attempts reserved for it are delivered by hooks of the commit that leased them, all
        // in the same synchronous step, before the promise's reaction reads the list.
        this.#claimers = this.#claimers.filter((c) => c !== claimer);
        clearTimeout(timer);
        signal?.removeEventListener("abort", stop);
        resolve(leased);
      },
    };
    signal?.addEventListener("abort", stop, { once: true });
    this.#claimers.push(claimer);
    return promise;
  }

  /**
   * From inside an enqueue: inserts the attempt, leased at once to a waiting worker if there is
   * one (handed over once the transaction commits), else pending, waking waiting callers at the
   * commit. Undefined when the attempt was queued already (nothing changed).
   */
  #insert(request: EnqueueRequest): FoundAttempt | undefined {
    const { executionId, nodeId, attempt, taskKey, payload } = request;
    const priority = request.priority ?? 0;
    const now = this.#now();
    const claimer = this.#claimers.find((c) => c.reserved < c.max);
    if (claimer === undefined) {
      const inserted = this.#sql.insert.run(executionId, nodeId, attempt, taskKey, payload, priority, now);
      if (inserted.changes === 0) return undefined;
      const id = Number(inserted.lastInsertRowid);
      const decoded = request.decoded;
      if (decoded !== undefined) {
        const kept: Kept = { decoded, executionId, nodeId, attempt, taskKey, priority, payload };
        this.#committer.afterCommit(() => this.#decoded.set(id, kept));
      }
      this.#wakeAtCommit();
      return { id, state: "pending" };
    }
    const leaseUntil = now + claimer.leaseMs;
    const inserted = this.#sql.insertLeased.run(executionId, nodeId, attempt, taskKey, payload, priority, now, claimer.workerId, leaseUntil, claimer.token);
    if (inserted.changes === 0) return undefined;
    const id = Number(inserted.lastInsertRowid);
    claimer.reserved++;
    // The next new attempt goes to the next waiting worker.
    this.#claimers = [...this.#claimers.filter((c) => c !== claimer), claimer];
    const leased: LeasedAttempt = { id, executionId, nodeId, attempt, taskKey, payload, priority, leaseUntil, leaseToken: claimer.token };
    const attemptLeased = request.decoded === undefined ? leased : { ...leased, decoded: request.decoded };
    this.#committer.afterCommit(() => {
      claimer.leased.push(attemptLeased);
      claimer.deliver(claimer.leased);
    });
    return { id, state: "leased" };
  }

  /**
   * From inside an operation that ends attempt `id`: drops what is kept of it, now and again at
   * the commit (an enqueue earlier in the same group keeps it only then).
   */
  #forget(id: number): void {
    this.#decoded.delete(id);
    this.#committer.afterCommit(() => this.#decoded.delete(id));
  }

  /** From inside an enqueue: wake waiting workers once it commits (before its fsync). */
  #wakeAtCommit(): void {
    this.#committer.afterCommit(() => this.#work.emit("work"));
  }

  #nextWork(timeoutMs: number, signal?: AbortSignal): { promise: Promise<boolean>; cancel: () => void } {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    signal?.addEventListener("abort", stop, { once: true });
    const timer = setTimeout(stop, Math.max(0, timeoutMs));
    const promise = once(this.#work, "work", { signal: controller.signal }).then(
      () => true,
      () => false,
    ).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
    });
    return { promise, cancel: stop };
  }
}

function notIssued(attemptId: number, workerId: string): QueueError {
  return new QueueError("E_ATTEMPT_NOT_FOUND", `Worker "${workerId}" completed attempt ${attemptId}, which the queue never issued.`);
}

/** A random lease token, never 0 (0 is "no token" on the wire). */
function newLeaseToken(): number {
  return 1 + randomInt(0xffff_fffe);
}
