/**
 * Numbered schema migrations, applied on start. Each part of the server owns a namespace
 * ("state", "registry", "queue", ...) with its own version sequence, so parts can evolve their
 * tables independently; a migration runs once, in its own transaction.
 */
import type { Database } from "./database.ts";

/** One schema change. Versions start at 1 and increase by 1 within a namespace. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Applies the migrations of `namespace` that have not run yet; returns how many ran. */
export function migrate(db: Database, namespace: string, migrations: readonly Migration[]): number {
  db.sqlite.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (namespace, version))",
  );
  const row = db.sqlite
    .prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations WHERE namespace = ?")
    .get(namespace) as { v: number } | undefined;
  const current = row?.v ?? 0;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations of '${namespace}' must be numbered 1, 2, 3...; found ${m.version} at position ${i + 1}`);
  });
  let applied = 0;
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.sqlite.exec(m.sql);
      db.sqlite
        .prepare("INSERT INTO schema_migrations (namespace, version, name, applied_at) VALUES (?, ?, ?, ?)")
        .run(namespace, m.version, m.name, Date.now());
    });
    applied++;
  }
  return applied;
}
