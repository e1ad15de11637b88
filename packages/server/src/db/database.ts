/**
 * The embedded database: SQLite through `node:sqlite`, in WAL mode.
 *
 * Durability is configurable because it is the one setting every storage figure depends on:
 * `synchronous=FULL` fsyncs every commit (the default: nothing acknowledged is lost on power
 * failure), `NORMAL` fsyncs at checkpoints only (safe against process crashes, not power loss).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Options of {@link openDatabase}. */
export interface DatabaseOptions {
  /** fsync every commit. @default true */
  readonly fsync?: boolean;
}

/** An open database with a transaction helper. */
export interface Database {
  /** The file, or `":memory:"`. */
  readonly path: string;
  /** The underlying connection; prepare statements once and reuse them. */
  readonly sqlite: DatabaseSync;
  /** Whether commits are fsynced. */
  readonly fsync: boolean;
  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE ... COMMIT), rolling back if it throws.
   * Nested calls join the outer transaction, as do calls made while a group commit
   * (see `GroupCommitter`) holds the connection's transaction open.
   */
  transaction<T>(fn: () => T): T;
  /** Runs `hook` just before the connection closes (a helper holding a connection of its own ends it there). */
  beforeClose(hook: () => void): void;
  close(): void;
}

/** Opens (creating if needed) the database at `path`; `":memory:"` for a throwaway one. */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new DatabaseSync(path);
  const fsync = options.fsync ?? true;
  // First: the statements below wait for a connection closing elsewhere instead of failing.
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec(`PRAGMA synchronous = ${fsync ? "FULL" : "NORMAL"}`);
  sqlite.exec("PRAGMA foreign_keys = ON");
  let depth = 0;
  const closeHooks: Array<() => void> = [];
  return {
    path,
    sqlite,
    fsync,
    transaction<T>(fn: () => T): T {
      if (depth > 0 || sqlite.isTransaction) return fn();
      sqlite.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const result = fn();
        sqlite.exec("COMMIT");
        return result;
      } catch (err) {
        sqlite.exec("ROLLBACK");
        throw err;
      } finally {
        depth--;
      }
    },
    beforeClose(hook) {
      closeHooks.push(hook);
    },
    close() {
      for (const hook of closeHooks.splice(0)) hook();
      sqlite.close();
    },
  };
}
