/**
 * The engine's `Catalog` (cache of task outputs) in SQLite, namespace "catalog": results keyed by
 * the engine's cache key id (project, domain, task, cache version, interface and input hashes),
 * so cacheable tasks hit across executions and restarts; reservations for cache-serialized tasks.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { CacheKey, Catalog, Reservation } from "@flyte/engine";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { StatementSync } from "node:sqlite";
import type { Database } from "../db/database.ts";
import { groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate, type Migration } from "../db/migrations.ts";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "cached outputs and reservations",
    sql: `
      CREATE TABLE catalog_entries (
        key_id TEXT PRIMARY KEY,
        project TEXT NOT NULL,
        domain TEXT NOT NULL,
        task_name TEXT NOT NULL,
        cache_version TEXT NOT NULL,
        outputs BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE catalog_reservations (
        key_id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

/** A durable catalog; every write is committed before it resolves. */
export class SqliteCatalog implements Catalog {
  readonly #committer: GroupCommitter;
  readonly #sql: Record<"get" | "put" | "reservation" | "reserve" | "release" | "count", StatementSync>;

  constructor(db: Database) {
    migrate(db, "catalog", MIGRATIONS);
    this.#committer = groupCommitterFor(db);
    const sqlite = db.sqlite;
    this.#sql = {
      get: sqlite.prepare("SELECT outputs FROM catalog_entries WHERE key_id = ?"),
      put: sqlite.prepare(
        `INSERT INTO catalog_entries (key_id, project, domain, task_name, cache_version, outputs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_id) DO UPDATE SET outputs = excluded.outputs, created_at = excluded.created_at`,
      ),
      reservation: sqlite.prepare("SELECT owner_id, expires_at FROM catalog_reservations WHERE key_id = ?"),
      reserve: sqlite.prepare(
        `INSERT INTO catalog_reservations (key_id, owner_id, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key_id) DO UPDATE SET owner_id = excluded.owner_id, expires_at = excluded.expires_at`,
      ),
      release: sqlite.prepare("DELETE FROM catalog_reservations WHERE key_id = ? AND owner_id = ?"),
      count: sqlite.prepare("SELECT count(*) AS n FROM catalog_entries"),
    };
  }

  /** Number of cached results. */
  get size(): number {
    return (this.#sql.count.get() as { n: number }).n;
  }

  get(key: CacheKey): LiteralMap | undefined {
    const row = this.#sql.get.get(key.id) as { outputs: Uint8Array } | undefined;
    return row === undefined ? undefined : fromBinary(LiteralMapSchema, row.outputs);
  }

  put(key: CacheKey, outputs: LiteralMap): Promise<void> {
    const bytes = toBinary(LiteralMapSchema, outputs);
    return this.#committer.submit(() => void this.#sql.put.run(key.id, key.project, key.domain, key.taskName, key.cacheVersion, bytes, Date.now()));
  }

  getOrExtendReservation(key: CacheKey, ownerId: string, heartbeatMs: number, now: number): Promise<Reservation> {
    return this.#committer.submit((): Reservation => {
      const held = this.#sql.reservation.get(key.id) as { owner_id: string; expires_at: number } | undefined;
      if (held !== undefined && held.owner_id !== ownerId && held.expires_at > now) {
        return { acquired: false, ownerId: held.owner_id, expiresAt: held.expires_at };
      }
      // As Flyte: a reservation lives a few heartbeats, so one late extension does not lose it.
      const expiresAt = now + heartbeatMs * 3;
      this.#sql.reserve.run(key.id, ownerId, expiresAt);
      return { acquired: true, ownerId, expiresAt };
    });
  }

  releaseReservation(key: CacheKey, ownerId: string): Promise<void> {
    return this.#committer.submit(() => void this.#sql.release.run(key.id, ownerId));
  }
}
