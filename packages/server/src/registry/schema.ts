/**
 * Tables of the registry: projects, domains, and the immutable, versioned entities (tasks,
 * workflows, launch plans) with the name-level metadata that groups their versions.
 *
 * Specs and closures are stored as protobuf bytes (the IDL is the storage format); the columns
 * next to them exist only for lookups, ordering and identity checks.
 */
import type { Migration } from "../db/migrations.ts";

/** Migration namespace of the registry. */
export const REGISTRY_NAMESPACE = "registry";

const ENTITY_COLUMNS = `
  project TEXT NOT NULL,
  domain TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  digest TEXT NOT NULL,
  spec BLOB NOT NULL,
  closure BLOB NOT NULL,
  created_at INTEGER NOT NULL`;

/** The registry's migrations, in order. */
export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "projects, domains, tasks, workflows, launch plans, named entities",
    sql: `
CREATE TABLE registry_projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  labels BLOB,
  state INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE registry_domains (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE TABLE registry_tasks (${ENTITY_COLUMNS},
  PRIMARY KEY (project, domain, name, version)
);
CREATE INDEX registry_tasks_created ON registry_tasks (project, domain, created_at);
CREATE TABLE registry_workflows (${ENTITY_COLUMNS},
  PRIMARY KEY (project, domain, name, version)
);
CREATE INDEX registry_workflows_created ON registry_workflows (project, domain, created_at);
CREATE TABLE registry_launch_plans (${ENTITY_COLUMNS},
  state INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project, domain, name, version)
);
CREATE INDEX registry_launch_plans_created ON registry_launch_plans (project, domain, created_at);
CREATE INDEX registry_launch_plans_active ON registry_launch_plans (project, domain, name, state);
CREATE TABLE registry_named_entities (
  resource_type INTEGER NOT NULL,
  project TEXT NOT NULL,
  domain TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  state INTEGER NOT NULL,
  PRIMARY KEY (resource_type, project, domain, name)
);
INSERT INTO registry_domains (id, name, position) VALUES
  ('development', 'development', 0), ('staging', 'staging', 1), ('production', 'production', 2);
INSERT INTO registry_projects (id, name, description, labels, state, created_at) VALUES
  ('flytesnacks', 'flytesnacks', 'The default project.', NULL, 0, 0);
`,
  },
];
