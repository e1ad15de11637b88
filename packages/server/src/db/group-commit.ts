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
 *   back and only its own promise rejects; the others still commit.
 * - A promise resolves only AFTER the COMMIT has returned (with `synchronous=FULL`, after the
 *   fsync): a write is durable when its promise resolves. A crash before that may lose it.
 * - All or nothing per transaction: if BEGIN or COMMIT fails, the transaction is rolled back and
 *   every operation of the group rejects with that error; none of it is visible.
 */
import type { StatementSync } from "node:sqlite";
import type { Database } from "./database.ts";

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
}

interface Pending {
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** An error raised when writing through a closed {@link GroupCommitter}. */
export class GroupCommitClosedError extends Error {
  constructor() {
    super("The database's group committer is closed; no further writes are accepted. Reopen the store.");
    this.name = "GroupCommitClosedError";
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
  #closed = false;
  #commits = 0;
  #operations = 0;
  #failedOperations = 0;
  #failedCommits = 0;
  #savepoint: { begin: StatementSync; release: StatementSync; rollback: StatementSync } | undefined;
  readonly #run = (): void => {
    this.#scheduled = false;
    this.#commitGroup();
  };

  constructor(db: Database, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#maxOperations = Math.max(1, Math.floor(options.maxOperations ?? 10_000));
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

  /** Resolves when everything submitted so far has committed (or failed). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    await this.submit(() => undefined);
  }

  /** Operations submitted and not yet committed. */
  get pendingOperations(): number {
    return this.#pending.length;
  }

  /** Counters since construction. */
  get stats(): GroupCommitStats {
    return {
      commits: this.#commits,
      operations: this.#operations,
      failedOperations: this.#failedOperations,
      failedCommits: this.#failedCommits,
    };
  }

  /** Commits what is pending, then refuses further writes. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: every execution's recorder flushes on its own microtask, and
    // waiting for the check phase lets all of them (and completions arriving in the same I/O
    // phase) join one commit.
    setImmediate(this.#run);
  }

  #commitGroup(): void {
    if (this.#pending.length === 0) return;
    let group = this.#pending;
    if (group.length > this.#maxOperations) {
      group = this.#pending.slice(0, this.#maxOperations);
      this.#pending = this.#pending.slice(this.#maxOperations);
      this.#schedule();
    } else {
      this.#pending = [];
    }
    const sqlite = this.#db.sqlite;
    const outcomes = new Array<{ ok: boolean; value: unknown }>(group.length);
    let savepoint: { begin: StatementSync; release: StatementSync; rollback: StatementSync };
    try {
      savepoint = this.#savepoint ??= {
        begin: sqlite.prepare("SAVEPOINT group_op"),
        release: sqlite.prepare("RELEASE group_op"),
        rollback: sqlite.prepare("ROLLBACK TO group_op"),
      };
      sqlite.exec("BEGIN IMMEDIATE");
    } catch (error) {
      // Also a closed database: the callers learn it from their promises, not from a crash.
      this.#failGroup(group, error);
      return;
    }
    let failed = 0;
    try {
      for (let i = 0; i < group.length; i++) {
        savepoint.begin.run();
        try {
          outcomes[i] = { ok: true, value: (group[i] as Pending).op() };
          savepoint.release.run();
        } catch (error) {
          savepoint.rollback.run();
          savepoint.release.run();
          outcomes[i] = { ok: false, value: error };
          failed++;
        }
      }
      sqlite.exec("COMMIT");
    } catch (error) {
      if (sqlite.isOpen && sqlite.isTransaction) sqlite.exec("ROLLBACK");
      this.#failGroup(group, error);
      return;
    }
    this.#commits++;
    this.#operations += group.length - failed;
    this.#failedOperations += failed;
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
