/**
 * The execution, node and attempt rows the state writer wrote last, kept in memory so the next
 * event batch of the same execution folds onto them without a `SELECT` per row: three to four of
 * them per task were the largest statements of the group commits (docs/benchmarks.md, sixth round).
 *
 * What is kept always equals the committed row, which is also the row as the running transaction
 * sees it:
 * - a batch TAKES a row out (it will change it, or fail): a later batch in the same transaction
 *   then reads the row from the database, where the earlier batch's writes are visible;
 * - a batch's rows are put back only once its transaction has COMMITTED (`afterCommit` hooks run
 *   in the order of the operations, so the last writer's row wins); a batch that fails, or a
 *   transaction rolled back, puts nothing back and the next batch reads the database;
 * - outside a group commit operation (the offload dry run) the cache is not used at all.
 * The state writer is the only writer of these tables.
 */

/** What the cache needs of the group committer. */
export interface CommitHooks {
  /** Whether a group commit operation is running now. */
  readonly inOperation: boolean;
  /** Runs `hook` once the running operation's transaction has committed. */
  afterCommit(hook: () => void): void;
}

/** Rows by key, the oldest dropped beyond `max` (a miss only costs the `SELECT` it saved). */
export class StateRowCache {
  readonly #hooks: CommitHooks | undefined;
  readonly #max: number;
  readonly #rows = new Map<string, unknown>();

  /** Without `hooks` nothing is kept. @param max rows kept, @default 8192 */
  constructor(hooks: CommitHooks | undefined, max = 8192) {
    this.#hooks = hooks;
    this.#max = max;
  }

  /** Rows kept now (for tests). */
  get size(): number {
    return this.#rows.size;
  }

  /** The kept row of `key`, removed from the cache (the caller will change it); undefined when not kept. */
  take<T>(key: string): T | undefined {
    if (this.#hooks?.inOperation !== true) return undefined;
    const row = this.#rows.get(key);
    if (row !== undefined) this.#rows.delete(key);
    return row as T | undefined;
  }

  /** Drops the kept row of `key`, if any (always safe: a miss only costs a read). */
  drop(key: string): void {
    this.#rows.delete(key);
  }

  /** Keeps `row` under `key` once the running operation commits; `row` must not change afterwards. */
  keepAtCommit(key: string, row: object): void {
    const hooks = this.#hooks;
    if (hooks?.inOperation !== true) return;
    hooks.afterCommit(() => {
      this.#rows.delete(key);
      this.#rows.set(key, row);
      if (this.#rows.size > this.#max) {
        const oldest = this.#rows.keys().next();
        if (oldest.done !== true) this.#rows.delete(oldest.value);
      }
    });
  }
}
