/**
 * Checks shared by the registration handlers: identifiers are complete, and their project is
 * registered and active and their domain exists.
 */
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { NamedEntityIdentifier } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { Project_ProjectState } from "@flyte/idl/gen/flyteidl/admin/project_pb.js";
import type { EntityKey } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { invalidArgument, kindText } from "./errors.ts";

/** The store key of `id`, which must name a `type` with project, domain, name and version. */
export function entityKeyOf(id: Identifier | undefined, type: ResourceType, what = "id"): EntityKey {
  const kind = kindText(type);
  if (id === undefined) throw invalidArgument(`missing ${what}: a ${kind} id needs project, domain, name and version`);
  if (id.resourceType !== ResourceType.UNSPECIFIED && id.resourceType !== type) {
    throw invalidArgument(`${what} has resource type ${ResourceType[id.resourceType] ?? id.resourceType}, but this call expects a ${kind} (${ResourceType[type]})`);
  }
  for (const field of ["project", "domain", "name", "version"] as const) {
    if (id[field] === "") throw invalidArgument(`missing ${field} in the ${kind} ${what}; a ${kind} id needs project, domain, name and version`);
  }
  return { project: id.project, domain: id.domain, name: id.name, version: id.version };
}

/** Project, domain and name of a named-entity id, all required. */
export function namedKeyOf(id: NamedEntityIdentifier | undefined, what: string): { project: string; domain: string; name: string } {
  if (id === undefined) throw invalidArgument(`missing id: ${what} needs project, domain and name`);
  for (const field of ["project", "domain", "name"] as const) {
    if (id[field] === "") throw invalidArgument(`missing ${field}: ${what} needs project, domain and name`);
  }
  return { project: id.project, domain: id.domain, name: id.name };
}

/** Project and domain of a list request, both required. */
export function requireScope(project: string, domain: string, what: string): void {
  if (project === "") throw invalidArgument(`missing project: ${what} needs a project and a domain`);
  if (domain === "") throw invalidArgument(`missing domain: ${what} needs a project and a domain`);
}

/** Refuses registration into a project that is missing or archived, or a domain that does not exist. */
export function requireActiveProjectDomain(ctx: RegistryContext, project: string, domain: string): void {
  const row = ctx.store.getProject(project);
  if (row === undefined) {
    throw invalidArgument(`project '${project}' is not registered; create it first (RegisterProject, e.g. flytectl create project --id ${project})`);
  }
  const state = row.state as Project_ProjectState;
  if (state !== Project_ProjectState.ACTIVE && state !== Project_ProjectState.SYSTEM_GENERATED) {
    throw invalidArgument(`project [${project}] is not active; activate it with UpdateProject before registering into it`);
  }
  const domains = ctx.store.listDomains();
  if (!domains.some((d) => d.id === domain)) {
    throw invalidArgument(`domain '${domain}' does not exist; domains are: ${domains.map((d) => d.id).join(", ")}`);
  }
}

/** Filterable fields of versioned entities. */
export const ENTITY_FIELDS = {
  project: { column: "project", kind: "text" },
  domain: { column: "domain", kind: "text" },
  name: { column: "name", kind: "text" },
  version: { column: "version", kind: "text" },
  created_at: { column: "created_at", kind: "timestamp" },
} as const;

/** Sort keys of versioned entities. */
export const ENTITY_SORT = { created_at: "created_at", name: "name", version: "version" } as const;
