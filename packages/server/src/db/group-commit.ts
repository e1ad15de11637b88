/**
 * Group commit: many writers share one fsync'd transaction.
 *
 * SQLite commits about 3,800 times a second with fsync per commit but writes ~183,000 rows a
 * second when 100 rows share a commit (design/performance.md), so durable throughput comes from
 * batching commits, not from faster statements.
 *
 * Flush policy (the contract every caller relies on):
 * - `submit(op)` queues a synchronous operation. Operations queued in the same turn of the event
 *   loop (before the `setImmediate` that follows) run in ONE transaction, in submission order.
 * - Each operation runs inside its own SAVEPOINT: if it throws, only its own writes are rolled
 *   back and only its own promise rejects; the others still commit. (An operation alone in its
 *   group runs without one: the transaction's rollback then undoes its writes only.)
 * - A promise resolves only AFTER the COMMIT has returned and the write-ahead log has been
 *   fsynced: a write is durable when its promise resolves. A crash before that may lose it. The
 *   COMMIT itself runs with `synchronous=NORMAL` and the fsync follows on libuv's thread pool
 *   (wal-sync.ts), so the event loop serves leases, completions and reads during the fsync, and
 *   the next group may commit meanwhile; callers waiting during one fsync share the next.
 * - All or nothing per transaction: if BEGIN or COMMIT fails, or an operation throws a
 *   {@link GroupAbortError}, the transaction is rolled back and every operation of the group
 *   rejects with that error; none of it is visible.
 *
 * Unsynced writes (`submitUnsynced`) are for state that may be lost on power failure without
 * harm (leases, heartbeats) and for decisions the server must act on before the next fsync (a
 * completion, recorded exactly once, whose consequences should share that fsync). They are
 * grouped the same way, in a transaction of their own that commits without waiting for an fsync.
 * WAL keeps commits in order and recovery keeps a prefix of them, so an unsynced write is durable
 * as soon as the log has been fsynced after it; `synced()` waits for that, and a caller that
 * acknowledges an unsynced write must wait for it first.
 */
import type { StatementSync } from "node:sqlite";
import type { Database } from "./database.ts";
import { WalCheckpointer } from "./wal-checkpointer.ts";
import { WalSync } from "./wal-sync.ts";

/**
 * Commits between two checkpoint requests: a group commit writes some 10-20 pages, so this asks
 * about as often as SQLite's own 1,000-page automatic checkpoint would run.
 */
const COMMITS_PER_CHECKPOINT = 64;

/** Options of {@link GroupCommitter}. */
export interface GroupCommitOptions {
  /**
   * Most operations in one transaction; the rest wait for the next one, so a flood of writers
   * cannot make one transaction (and the event-loop stall of its synchronous commit) unbounded.
   * @default 10000
   */
  readonly maxOperations?: number;
}

/** Counters, for tests and benchmarks. */
export interface GroupCommitStats {
  /** Transactions committed. */
  readonly commits: number;
  /** Operations committed (successful ones only). */
  readonly operations: number;
  /** Operations that threw and were rolled back to their savepoint. */
  readonly failedOperations: number;
  /** Transactions that failed as a whole (BEGIN or COMMIT failed). */
  readonly failedCommits: number;
  /** Transactions of `submitUnsynced` operations committed (without waiting for an fsync). */
  readonly unsyncedCommits: number;
  /** fsyncs of the write-ahead log (one may serve several groups). */
  readonly walSyncs: number;
  /** Checkpoints of the write-ahead log run off the event loop (fsync on, file databases). */
  readonly checkpoints: number;
  /** Whether the checkpoint thread is started (see {@link GroupCommitter.prestartCheckpoints}). */
  readonly checkpointThread: boolean;
}

/** The statements a group commit runs around its operations. */
interface Control {
  readonly begin: StatementSync;
  readonly commit: StatementSync;
  readonly savepoint: StatementSync;
  readonly release: StatementSync;
  readonly rollbackTo: StatementSync;
}

interface Pending {
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Queued by `submitAhead`: runs without a savepoint, and if it throws, its whole group is undone. */
  readonly ahead?: true;
}

/** An error raised when writing through a closed {@link GroupCommitter}. */
export class GroupCommitClosedError extends Error {
  constructor() {
    super("The database's group committer is closed; no further writes are accepted. Reopen the store.");
    this.name = "GroupCommitClosedError";
  }
}

/**
 * Thrown by an operation to undo its WHOLE group, not only its own writes: for an operation that
 * others in the group were written on the strength of (a completion recorded ahead of its
 * consequences: AttemptQueue.complete) and that finds it cannot do what was decided. Every
 * operation of the group then rejects with it and none of the group's writes is kept.
 */
export class GroupAbortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GroupAbortError";
  }
}

/**
 * Batches synchronous write operations of one database connection into shared transactions.
 * Use {@link groupCommitterFor} so every store on one {@link Database} shares one committer (and
 * therefore one commit per tick).
 *
 * @example
 * const committer = groupCommitterFor(db);
 * const id = await committer.submit(() => insert.run(x).lastInsertRowid); // durable now
 */
export class GroupCommitter {
  readonly #db: Database;
  readonly #maxOperations: number;
  #pending: Pending[] = [];
  #scheduled = false;
  #unsynced: Pending[] = [];
  #unsyncedScheduled = false;
  #closed = false;
  #commits = 0;
  #operations = 0;
  #failedOperations = 0;
  #failedCommits = 0;
  #unsyncedCommits = 0;
  /** Transaction control, prepared once (a BEGIN, SAVEPOINT, RELEASE, COMMIT round is 0.8 µs so, 1.4 µs by `exec`). */
  #control: Control | undefined;
  /** Undefined when commits need no fsync (fsync off, or an in-memory database). */
  readonly #wal: WalSync | undefined;
  /** Checkpoints off the event loop, with the fsync'd log (see wal-checkpointer.ts). */
  readonly #checkpointer: WalCheckpointer | undefined;
  #commitsSinceCheckpoint = 0;
  /** `afterCommit` callbacks of the operation running now, then of the group's committed operations. */
  #opHooks: Array<() => void> | undefined;
  /** The pending `synced()` barrier of the next group, shared by every caller until it runs. */
  #barrier: Promise<void> | undefined;
  readonly #run = (): void => {
    this.#scheduled = false;
    this.#commitGroup(true);
  };
  readonly #runUnsynced = (): void => {
    this.#unsyncedScheduled = false;
    this.#commitGroup(false);
  };
  /** Whether `submitUnsyncedNow` committed in this turn of the event loop. */
  #ranNow = false;
  readonly #newTurn = (): void => {
    this.#ranNow = false;
  };
  /** Whether `commitSoon` was called in this turn of the event loop. */
  #soonThisTurn = false;
  readonly #newSoonTurn = (): void => {
    this.#soonThisTurn = false;
  };
  readonly #runSoon = (): void => {
    this.#commitGroup(true);
  };

  constructor(db: Database, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#maxOperations = Math.max(1, Math.floor(options.maxOperations ?? 10_000));
    this.#wal = db.fsync && db.path !== ":memory:" && db.path !== "" ? new WalSync(`${db.path}-wal`) : undefined;
    if (this.#wal !== undefined) {
      const sqlite = db.sqlite;
      sqlite.exec("PRAGMA wal_autocheckpoint = 0");
      const checkpointer = new WalCheckpointer(db.path, (reason) => {
        // Checkpoints on the event loop again, as SQLite does by default: slower, never unbounded.
        console.error(`flyte: ${reason}; checkpointing the database's log in the server's thread from now on`);
        if (sqlite.isOpen) sqlite.exec("PRAGMA wal_autocheckpoint = 1000");
      });
      db.beforeClose(() => checkpointer.close());
      this.#checkpointer = checkpointer;
    }
  }

  /**
   * Queues `op` for the next group transaction; resolves with its result once committed. `op`
   * must be synchronous and must not open or close transactions itself.
   */
  submit<T>(op: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new GroupCommitClosedError());
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ op, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * {@link submit}, but the group's transaction commits WITHOUT waiting for an fsync
   * (`synchronous=NORMAL` for that one commit): the promise resolves once the write is committed
   * and visible, which survives a crash of the process (the OS has it), but power loss may undo
   * it until a later commit is fsynced: see {@link synced}. Unsynced operations of one turn share
   * one transaction (BEGIN IMMEDIATE: atomic against other connections too), separate from the
   * fsync'd group.
   */
  submitUnsynced<T>(op: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new GroupCommitClosedError());
    return new Promise<T>((resolve, reject) => {
      this.#unsynced.push({ op, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule(false);
    });
  }

  /**
   * {@link submitUnsynced}, but committed AT ONCE, in a transaction of its own, when nothing is
   * queued before it: the caller learns the outcome in this turn of the event loop instead of the
   * next check phase. For a completion on a step's path: the engine's reaction then joins the
   * fsync'd group of this very turn (docs/benchmarks.md, fifth round). At most one such commit per
   * turn: later calls in the turn, calls while unsynced operations are queued (they keep their
   * order) and calls from inside an operation are queued as by {@link submitUnsynced}.
   */
  submitUnsyncedNow<T>(op: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new GroupCommitClosedError());
    if (this.#ranNow || this.#unsynced.length > 0 || this.#opHooks !== undefined) return this.submitUnsynced(op);
    this.#ranNow = true;
    setImmediate(this.#newTurn);
    return new Promise<T>((resolve, reject) => {
      this.#commit([{ op, resolve: resolve as (value: unknown) => void, reject }], false);
    });
  }

  /**
   * {@link submit}, but `op` goes FIRST in the next fsync'd group, ahead of operations already
   * queued for it: for a decision the caller has already acted on (a completion the engine was
   * told of, whose consequences are submitted after it: AttemptQueue.complete), so that nothing
   * queued earlier runs between the decision and its write, and the decision and its consequences
   * share one transaction. If `op` throws (anything), the whole group is undone, as by a
   * {@link GroupAbortError}: what was written on the strength of it must not be kept without it.
   * Undefined (not queued) when unsynced operations are queued (they would
   * commit after it, out of their order) or when called from inside an operation.
   */
  submitAhead<T>(op: () => T): Promise<T> | undefined {
    if (this.#closed || this.#unsynced.length > 0 || this.#opHooks !== undefined) return undefined;
    return new Promise<T>((resolve, reject) => {
      this.#pending.unshift({ op, resolve: resolve as (value: unknown) => void, reject, ahead: true });
      this.#schedule();
    });
  }

  /**
   * Commits the fsync'd group once the microtasks queued now have run, instead of at the check
   * phase of this turn of the event loop. Called from a microtask (a continuation after an
   * `await`), a `process.nextTick` callback runs only when the microtask queue is empty: so the
   * writes that the caller's reaction submits in those microtasks (the engine's events and the
   * next attempt's enqueue after a completion) are in the group, and the I/O callbacks still
   * queued in this turn (other requests, polls) no longer run before it. A hand-out at that
   * commit then reaches the connection's write in this turn's check phase, not the next turn's.
   * Writes submitted later in the turn join the check-phase group as usual. At most once per
   * turn, so a burst of completions costs at most one commit more per turn
   * (docs/benchmarks.md, sixth round).
   */
  commitSoon(): void {
    if (this.#closed || this.#soonThisTurn) return;
    this.#soonThisTurn = true;
    setImmediate(this.#newSoonTurn);
    process.nextTick(this.#runSoon);
  }

  /**
   * Resolves once a group that started after this call has committed and the log has been
   * fsynced after it, so every write committed before the call, unsynced ones included, is
   * durable. It joins the next group, so writes made in reaction to an unsynced one (the engine's
   * events after a completion) share its fsync.
   */
  synced(): Promise<void> {
    if (this.#barrier !== undefined) return this.#barrier;
    const barrier = this.submit(() => {
      // Later callers need a later group: this one has started.
      if (this.#barrier === barrier) this.#barrier = undefined;
    });
    this.#barrier = barrier;
    // A failed group rejects the barrier; the next caller must try a new one.
    barrier.catch(() => {
      if (this.#barrier === barrier) this.#barrier = undefined;
    });
    return barrier;
  }

  /**
   * Called from inside an operation: runs `hook` as soon as the operation's transaction has
   * committed — before its fsync — and not at all if the operation or the commit fails. For
   * waking readers of the new rows early (a worker may lease an attempt while its enqueue is
   * being fsynced); never for acknowledging anything.
   */
  afterCommit(hook: () => void): void {
    if (this.#opHooks === undefined) throw new Error("GroupCommitter.afterCommit is callable only from inside a submitted operation");
    this.#opHooks.push(hook);
  }

  /** Resolves when everything submitted so far has committed (or failed). */
  async flush(): Promise<void> {
    if (this.#unsynced.length > 0) await this.submitUnsynced(() => undefined);
    if (this.#pending.length === 0) return;
    await this.submit(() => undefined);
  }

  /** Whether a submitted operation is running now (its `afterCommit` hooks can be added). */
  get inOperation(): boolean {
    return this.#opHooks !== undefined;
  }

  /** Operations submitted and not yet committed. */
  get pendingOperations(): number {
    return this.#pending.length + this.#unsynced.length;
  }

  /** Counters since construction. */
  get stats(): GroupCommitStats {
    return {
      commits: this.#commits,
      operations: this.#operations,
      failedOperations: this.#failedOperations,
      failedCommits: this.#failedCommits,
      unsyncedCommits: this.#unsyncedCommits,
      walSyncs: this.#wal?.syncs ?? 0,
      checkpoints: this.#checkpointer?.checkpoints ?? 0,
      checkpointThread: this.#checkpointer?.started ?? false,
    };
  }

  /**
   * Starts the log's checkpoint thread now, if there is one (fsync on, a file database), instead
   * of after the first commits: for a long-running server, before its first work arrives (see
   * WalCheckpointer.prestart). Whether it has started shows in {@link stats}.
   */
  prestartCheckpoints(): void {
    this.#checkpointer?.prestart();
  }

  /** Commits what is pending, then refuses further writes. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#wal?.close();
    this.#checkpointer?.close();
  }

  #schedule(synced = true): void {
    // setImmediate, not a microtask: every execution's recorder flushes on its own microtask, and
    // waiting for the check phase lets all of them (and completions arriving in the same I/O
    // phase) join one commit.
    if (synced) {
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(this.#run);
    } else {
      if (this.#unsyncedScheduled) return;
      this.#unsyncedScheduled = true;
      setImmediate(this.#runUnsynced);
    }
  }

  #commitGroup(synced: boolean): void {
    const pending = synced ? this.#pending : this.#unsynced;
    if (pending.length === 0) return;
    const group = pending.length > this.#maxOperations ? pending.slice(0, this.#maxOperations) : pending;
    const rest = group === pending ? [] : pending.slice(this.#maxOperations);
    if (synced) this.#pending = rest;
    else this.#unsynced = rest;
    if (rest.length > 0) this.#schedule(synced);
    this.#commit(group, synced);
  }

  #commit(group: Pending[], synced: boolean): void {
    const sqlite = this.#db.sqlite;
    // A commit without fsync (a synced group's fsync follows off the loop); FULL again right after,
    // for commits made outside the committer (db.transaction).
    const relax = this.#db.fsync && (!synced || this.#wal !== undefined);
    let control: Control;
    try {
      control = this.#control ??= {
        begin: sqlite.prepare("BEGIN IMMEDIATE"),
        commit: sqlite.prepare("COMMIT"),
        savepoint: sqlite.prepare("SAVEPOINT group_op"),
        release: sqlite.prepare("RELEASE group_op"),
        rollbackTo: sqlite.prepare("ROLLBACK TO group_op"),
      };
      // By exec: a prepared PRAGMA is no faster (docs/benchmarks.md, sixth round).
      if (relax) sqlite.exec("PRAGMA synchronous = NORMAL");
    } catch (error) {
      // Also a closed database: the callers learn it from their promises, not from a crash.
      this.#failGroup(group, error);
      return;
    }
    try {
      this.#runGroup(group, synced, control);
    } finally {
      // Not caught: a connection that cannot return to fsync'd commits must not go on writing.
      if (relax && sqlite.isOpen) sqlite.exec("PRAGMA synchronous = FULL");
    }
  }

  #runGroup(group: Pending[], synced: boolean, control: Control): void {
    const sqlite = this.#db.sqlite;
    const outcomes = new Array<{ ok: boolean; value: unknown }>(group.length);
    try {
      control.begin.run();
    } catch (error) {
      this.#failGroup(group, error);
      return;
    }
    // An operation alone in its group needs no savepoint: if it throws, the whole transaction is
    // rolled back, which undoes its writes and nobody else's (two statements saved per operation;
    // completions committed at once are always alone).
    const alone = group.length === 1;
    let failed = 0;
    const hooks: Array<() => void> = [];
    try {
      for (let i = 0; i < group.length; i++) {
        const pending = group[i] as Pending;
        // An operation queued ahead needs none either: if it throws, the whole group is undone.
        const savepoint = !alone && pending.ahead !== true;
        if (savepoint) control.savepoint.run();
        this.#opHooks = [];
        try {
          outcomes[i] = { ok: true, value: pending.op() };
          if (savepoint) control.release.run();
          hooks.push(...this.#opHooks);
        } catch (error) {
          // Undoes the whole transaction (the catch below): the group's writes rest on this one.
          if (error instanceof GroupAbortError || pending.ahead === true) throw error;
          if (!alone) {
            control.rollbackTo.run();
            control.release.run();
          }
          outcomes[i] = { ok: false, value: error };
          failed++;
        } finally {
          this.#opHooks = undefined;
        }
      }
      if (alone && failed === 1) sqlite.exec("ROLLBACK");
      else control.commit.run();
    } catch (error) {
      if (sqlite.isOpen && sqlite.isTransaction) sqlite.exec("ROLLBACK");
      this.#failGroup(group, error);
      return;
    }
    if (alone && failed === 1) {
      // Nothing committed. The refusal still waits for an fsync, as it did after an empty commit:
      // it may rest on rows committed by an earlier group whose fsync is still running (a taken
      // execution name), and must not be answered before they are durable.
      this.#failedOperations++;
      if (!synced || this.#wal === undefined) this.#settle(group, outcomes);
      else this.#wal.sync().then(() => this.#settle(group, outcomes), (error: unknown) => this.#failGroup(group, error));
      return;
    }
    for (const hook of hooks) hook();
    if (this.#checkpointer !== undefined && ++this.#commitsSinceCheckpoint >= COMMITS_PER_CHECKPOINT && this.#checkpointer.request()) this.#commitsSinceCheckpoint = 0;
    if (synced) this.#commits++;
    else this.#unsyncedCommits++;
    this.#operations += group.length - failed;
    this.#failedOperations += failed;
    if (!synced || this.#wal === undefined) {
      this.#settle(group, outcomes);
      return;
    }
    this.#wal.sync().then(
      () => this.#settle(group, outcomes),
      (error: unknown) => {
        // Committed and visible, but not known to be on disk: nobody may be told it is durable.
        const cause = error instanceof Error ? error.message : String(error);
        this.#failGroup(group, new Error(`The database's write-ahead log could not be fsynced after a commit (${cause}); the writes are not durable. Check the disk of the data folder and restart the server.`, { cause: error }));
      },
    );
  }

  #settle(group: readonly Pending[], outcomes: ReadonlyArray<{ ok: boolean; value: unknown }>): void {
    for (let i = 0; i < group.length; i++) {
      const pending = group[i] as Pending;
      const outcome = outcomes[i] as { ok: boolean; value: unknown };
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.value);
    }
  }

  #failGroup(group: readonly Pending[], error: unknown): void {
    this.#failedCommits++;
    for (const pending of group) pending.reject(error);
  }
}

const committers = new WeakMap<Database, GroupCommitter>();

/**
 * The one {@link GroupCommitter} of `db`, created on first use; stores sharing a database share
 * its commits. `options` apply only when the committer is created.
 */
export function groupCommitterFor(db: Database, options?: GroupCommitOptions): GroupCommitter {
  let committer = committers.get(db);
  if (committer === undefined) {
    committer = new GroupCommitter(db, options);
    committers.set(db, committer);
  }
  return committer;
}
