/**
 * The registry's storage: projects, domains, versioned tasks / workflows / launch plans and
 * named-entity metadata in SQLite. Every write runs in one transaction; messages are stored as
 * protobuf bytes and decoded by the API layer.
 */
import type { SQLInputValue, StatementSync } from "node:sqlite";
import type { Database } from "../db/database.ts";
import { migrate } from "../db/migrations.ts";
import { REGISTRY_MIGRATIONS, REGISTRY_NAMESPACE } from "./schema.ts";
import { whereClause, type ListQuery } from "./query.ts";

/** The three kinds of versioned entity. */
export type EntityKind = "task" | "workflow" | "launchPlan";

/** `(project, domain, name, version)`: the identity of a versioned entity within its kind. */
export interface EntityKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

/** A stored versioned entity. */
export interface EntityRow extends EntityKey {
  /** Hex SHA-256 of the spec's binary encoding. */
  readonly digest: string;
  /** The spec's bytes (admin.TaskSpec, admin.WorkflowSpec or admin.LaunchPlanSpec). */
  readonly spec: Uint8Array;
  /** Bytes of what registration derived (compiled task/workflow, launch plan closure). */
  readonly closure: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Launch plans only: 0 INACTIVE, 1 ACTIVE. */
  readonly state: number;
  /** Launch plans only: last state change. */
  readonly updatedAt: number;
}

/** A project row. */
export interface ProjectRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** admin.Labels bytes, if any. */
  readonly labels: Uint8Array | null;
  /** admin.Project.ProjectState. */
  readonly state: number;
  readonly createdAt: number;
}

/** A domain. */
export interface DomainRow {
  readonly id: string;
  readonly name: string;
}

/** One name that has at least one registered version, with its metadata. */
export interface NamedEntityRow {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly description: string;
  /** admin.NamedEntityState. */
  readonly state: number;
  /** When its newest version was registered. */
  readonly createdAt: number;
}

/** Outcome of {@link RegistryStore.insertEntity}. */
export type InsertOutcome = "created" | "identical" | "different";

const TABLES: Readonly<Record<EntityKind, string>> = {
  task: "registry_tasks",
  workflow: "registry_workflows",
  launchPlan: "registry_launch_plans",
};

/** flyteidl.core.ResourceType values of the three kinds, for named-entity metadata rows. */
const RESOURCE_TYPES: Readonly<Record<EntityKind, number>> = { task: 1, workflow: 2, launchPlan: 3 };

/** Columns a list of versioned entities may filter and sort on. */
export const ENTITY_COLUMNS = ["project", "domain", "name", "version", "created_at", "state"] as const;

interface RawEntity {
  project: string;
  domain: string;
  name: string;
  version: string;
  digest: string;
  spec: Uint8Array;
  closure: Uint8Array;
  created_at: number;
  state?: number;
  updated_at?: number;
}

/** The registry's tables, with the statements prepared once. */
export class RegistryStore {
  readonly #db: Database;
  readonly #statements = new Map<string, StatementSync>();
  /**
   * Projects read, by id, frozen. Every CreateExecution checks its project and domain: two queries
   * and their rows' objects per execution (docs/benchmarks.md, sixth round). This store is the only
   * writer of projects (the server owns its database file), and it forgets them all on any write.
   */
  readonly #projects = new Map<string, ProjectRow>();
  /** The domains, frozen: configured by the migrations, never changed afterwards. */
  #domains: readonly DomainRow[] | undefined;

  /** Opens the registry on `db`, applying its migrations. */
  constructor(db: Database) {
    this.#db = db;
    migrate(db, REGISTRY_NAMESPACE, REGISTRY_MIGRATIONS);
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // --- projects and domains -------------------------------------------------------------------

  /** The project with `id`, if registered. */
  getProject(id: string): ProjectRow | undefined {
    const cached = this.#projects.get(id);
    if (cached !== undefined) return cached;
    const row = this.#prepare("SELECT * FROM registry_projects WHERE id = ?").get(id) as RawProject | undefined;
    if (row === undefined) return undefined;
    const project = Object.freeze(projectOf(row));
    this.#projects.set(id, project);
    return project;
  }

  /** Inserts a project; false if one with its id exists already. */
  insertProject(project: ProjectRow): boolean {
    // Nothing to forget: a project not registered yet is never cached.
    return this.#db.transaction(() => {
      const exists = this.#prepare("SELECT 1 FROM registry_projects WHERE id = ?").get(project.id);
      if (exists !== undefined) return false;
      this.#prepare("INSERT INTO registry_projects (id, name, description, labels, state, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
        project.id,
        project.name,
        project.description,
        project.labels,
        project.state,
        project.createdAt,
      );
      return true;
    });
  }

  /** Replaces name, description, labels and state of a project; false if it does not exist. */
  updateProject(project: Omit<ProjectRow, "createdAt">): boolean {
    this.#projects.clear();
    return this.#db.transaction(() => {
      const res = this.#prepare("UPDATE registry_projects SET name = ?, description = ?, labels = ?, state = ? WHERE id = ?").run(
        project.name,
        project.description,
        project.labels,
        project.state,
        project.id,
      );
      return Number(res.changes) > 0;
    });
  }

  /** A page of projects. Query columns: id, name, state, created_at. */
  listProjects(query: ListQuery): ProjectRow[] {
    const where = whereClause(query.where);
    const rows = this.#select(`SELECT * FROM registry_projects ${where.sql}`, where.params, query, ["id"]) as unknown as RawProject[];
    return rows.map(projectOf);
  }

  /** Every domain, in configured order. */
  listDomains(): readonly DomainRow[] {
    this.#domains ??= Object.freeze((this.#prepare("SELECT id, name FROM registry_domains ORDER BY position").all() as unknown as DomainRow[]).map((d) => Object.freeze({ id: d.id, name: d.name })));
    return this.#domains;
  }

  // --- versioned entities ---------------------------------------------------------------------

  /** The entity of `kind` with `key`, if registered. */
  getEntity(kind: EntityKind, key: EntityKey): EntityRow | undefined {
    const row = this.#prepare(`SELECT * FROM ${TABLES[kind]} WHERE project = ? AND domain = ? AND name = ? AND version = ?`).get(
      key.project,
      key.domain,
      key.name,
      key.version,
    ) as RawEntity | undefined;
    return row === undefined ? undefined : entityOf(row);
  }

  /**
   * Registers an entity unless its key is taken. When it is, `sameSpec` decides whether the stored
   * spec is the one given (the registration is then idempotent) or a different one.
   */
  insertEntity(kind: EntityKind, row: Omit<EntityRow, "state" | "updatedAt">, sameSpec: (stored: EntityRow) => boolean): InsertOutcome {
    return this.#db.transaction(() => {
      const existing = this.getEntity(kind, row);
      if (existing !== undefined) return sameSpec(existing) ? "identical" : "different";
      const extra = kind === "launchPlan" ? ", state, updated_at" : "";
      const extraMarks = kind === "launchPlan" ? ", 0, ?" : "";
      const params: SQLInputValue[] = [row.project, row.domain, row.name, row.version, row.digest, row.spec, row.closure, row.createdAt];
      if (kind === "launchPlan") params.push(row.createdAt);
      this.#prepare(
        `INSERT INTO ${TABLES[kind]} (project, domain, name, version, digest, spec, closure, created_at${extra}) VALUES (?, ?, ?, ?, ?, ?, ?, ?${extraMarks})`,
      ).run(...params);
      return "created";
    });
  }

  /** A page of entities of `kind`. Query columns: {@link ENTITY_COLUMNS} (state for launch plans only). */
  listEntities(kind: EntityKind, query: ListQuery): EntityRow[] {
    const where = whereClause(query.where);
    const rows = this.#select(`SELECT * FROM ${TABLES[kind]} ${where.sql}`, where.params, query, ["name", "version"]) as unknown as RawEntity[];
    return rows.map(entityOf);
  }

  /**
   * A page of the names of `kind` in a project and domain that have at least one version, with
   * their metadata. Query columns: name, created_at (of the newest version), description, state.
   */
  listNamedEntities(kind: EntityKind, project: string, domain: string, query: ListQuery): NamedEntityRow[] {
    const where = whereClause(query.where);
    const sql = `SELECT * FROM (
        SELECT e.project AS project, e.domain AS domain, e.name AS name, MAX(e.created_at) AS created_at,
               COALESCE(m.description, '') AS description, COALESCE(m.state, 0) AS state
        FROM ${TABLES[kind]} e
        LEFT JOIN registry_named_entities m
          ON m.resource_type = ? AND m.project = e.project AND m.domain = e.domain AND m.name = e.name
        WHERE e.project = ? AND e.domain = ?
        GROUP BY e.name) ${where.sql}`;
    const rows = this.#select(sql, [RESOURCE_TYPES[kind], project, domain, ...where.params], query) as unknown as (Omit<NamedEntityRow, "createdAt"> & { created_at: number })[];
    return rows.map((r) => ({ project: r.project, domain: r.domain, name: r.name, description: r.description, state: r.state, createdAt: r.created_at }));
  }

  /** The named entity of `kind`, if at least one version of it is registered. */
  getNamedEntity(kind: EntityKind, project: string, domain: string, name: string): NamedEntityRow | undefined {
    const rows = this.listNamedEntities(kind, project, domain, {
      where: [{ sql: "name = ?", params: [name] }],
      orderBy: "name",
      ascending: true,
      limit: 1,
      offset: 0,
    });
    return rows[0];
  }

  /** Sets the description and state of a name; false if no version of it is registered. */
  updateNamedEntity(kind: EntityKind, project: string, domain: string, name: string, description: string, state: number): boolean {
    return this.#db.transaction(() => {
      const exists = this.#prepare(`SELECT 1 FROM ${TABLES[kind]} WHERE project = ? AND domain = ? AND name = ? LIMIT 1`).get(project, domain, name);
      if (exists === undefined) return false;
      this.#prepare(
        `INSERT INTO registry_named_entities (resource_type, project, domain, name, description, state) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (resource_type, project, domain, name) DO UPDATE SET description = excluded.description, state = excluded.state`,
      ).run(RESOURCE_TYPES[kind], project, domain, name, description, state);
      return true;
    });
  }

  // --- launch plan state ----------------------------------------------------------------------

  /**
   * Sets a launch plan version ACTIVE (1) or INACTIVE (0). Activating deactivates whichever
   * version of the same name was active, in the same transaction, so at most one is ever active.
   * False if the version does not exist.
   */
  setLaunchPlanState(key: EntityKey, state: number, now: number): boolean {
    return this.#db.transaction(() => {
      if (this.getEntity("launchPlan", key) === undefined) return false;
      if (state === 1) {
        this.#prepare(
          "UPDATE registry_launch_plans SET state = 0, updated_at = ? WHERE project = ? AND domain = ? AND name = ? AND state = 1 AND version <> ?",
        ).run(now, key.project, key.domain, key.name, key.version);
      }
      this.#prepare("UPDATE registry_launch_plans SET state = ?, updated_at = ? WHERE project = ? AND domain = ? AND name = ? AND version = ?").run(
        state,
        now,
        key.project,
        key.domain,
        key.name,
        key.version,
      );
      return true;
    });
  }

  /** The active version of a launch plan name, if any. */
  getActiveLaunchPlan(project: string, domain: string, name: string): EntityRow | undefined {
    const row = this.#prepare("SELECT * FROM registry_launch_plans WHERE project = ? AND domain = ? AND name = ? AND state = 1").get(
      project,
      domain,
      name,
    ) as RawEntity | undefined;
    return row === undefined ? undefined : entityOf(row);
  }

  #select(sql: string, params: readonly SQLInputValue[], query: ListQuery, tiebreak: readonly string[] = ["name"]): Record<string, SQLInputValue>[] {
    // orderBy comes from a whitelist (query.ts: sortColumn); the tiebreak keeps pages stable when
    // many rows share a timestamp.
    const direction = query.ascending ? "ASC" : "DESC";
    const order = [query.orderBy, ...tiebreak.filter((c) => c !== query.orderBy)].map((c) => `${c} ${direction}`).join(", ");
    const full = `${sql} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return this.#prepare(full).all(...params, query.limit, query.offset);
  }
}

interface RawProject {
  id: string;
  name: string;
  description: string;
  labels: Uint8Array | null;
  state: number;
  created_at: number;
}

function projectOf(r: RawProject): ProjectRow {
  return { id: r.id, name: r.name, description: r.description, labels: r.labels, state: r.state, createdAt: r.created_at };
}

function entityOf(r: RawEntity): EntityRow {
  return {
    project: r.project,
    domain: r.domain,
    name: r.name,
    version: r.version,
    digest: r.digest,
    spec: r.spec,
    closure: r.closure,
    createdAt: r.created_at,
    state: r.state ?? 0,
    updatedAt: r.updated_at ?? r.created_at,
  };
}
