/**
 * Which node and attempt rows may exist for the executions this state writer created itself.
 *
 * The first event of a node or attempt found no row in the row cache (state-row-cache.ts) and
 * read the database to learn that the row does not exist yet: six `SELECT`s per execution of the
 * 3-task chain, every one a miss (docs/benchmarks.md, sixth and eighth rounds). For an execution
 * this writer inserted, every row of it was written by this writer (the only writer of these
 * tables), so a row it never wrote does not exist.
 *
 * Conservative by construction: a key is added when its row is WRITTEN, before the transaction
 * commits, and never removed while the execution is tracked; a write rolled back later leaves the
 * key behind, which only costs the read it would have saved. An execution stops being tracked
 * when it ends, and the oldest ones are forgotten beyond a bound; for an untracked execution
 * (created before a restart, or forgotten) every miss reads the database as before.
 */

/** Executions tracked at most; the oldest are forgotten first. */
const MAX_TRACKED = 4096;

/** Node and attempt row keys written so far, by execution created in this process. */
export class NewExecutionRows {
  readonly #written = new Map<string, Set<string>>();
  readonly #max: number;

  /** @param max executions tracked, @default 4096 */
  constructor(max = MAX_TRACKED) {
    this.#max = max;
  }

  /** Executions tracked now (for tests). */
  get size(): number {
    return this.#written.size;
  }

  /** The execution's row was just inserted: none of its node or attempt rows exist. */
  created(executionId: string): void {
    this.#written.delete(executionId);
    this.#written.set(executionId, new Set());
    if (this.#written.size > this.#max) {
      const oldest = this.#written.keys().next();
      if (oldest.done !== true) this.#written.delete(oldest.value);
    }
  }

  /** A row of the execution is being written (`key` names it within the execution). */
  wrote(executionId: string, key: string): void {
    this.#written.get(executionId)?.add(key);
  }

  /** True only when the row surely does not exist: the execution is tracked and the row was never written. */
  absent(executionId: string, key: string): boolean {
    const written = this.#written.get(executionId);
    return written !== undefined && !written.has(key);
  }

  /**
   * The execution ended (or is no longer wanted): its rows are read from the database again.
   * Returns the keys of the rows written for it, undefined when it was not tracked.
   */
  forget(executionId: string): ReadonlySet<string> | undefined {
    const written = this.#written.get(executionId);
    this.#written.delete(executionId);
    return written;
  }
}
