/**
 * Steps every versioned entity kind shares: storing a new version under the identity rules, and
 * listing versions and names.
 */
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  NamedEntityIdentifierListSchema,
  NamedEntityIdentifierSchema,
  type NamedEntityIdentifierList,
  type NamedEntityIdentifierListRequest,
  type ResourceListRequest,
} from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityKey, EntityKind, EntityRow } from "../registry/registry-store.ts";
import type { ListQuery, SqlCondition } from "../registry/query.ts";
import type { RegistryContext } from "./context.ts";
import { alreadyExists, idText } from "./errors.ts";
import { encodeSpec, sameSpecAs } from "./identity.ts";
import { listQueryOf, nextToken, type ListSpec } from "./pagination.ts";
import { ENTITY_FIELDS, ENTITY_SORT, requireScope } from "./validate.ts";

/** Resource type of each kind. */
export const RESOURCE_TYPE: Readonly<Record<EntityKind, ResourceType>> = {
  task: ResourceType.TASK,
  workflow: ResourceType.WORKFLOW,
  launchPlan: ResourceType.LAUNCH_PLAN,
};

const KIND_TEXT: Readonly<Record<EntityKind, string>> = { task: "task", workflow: "workflow", launchPlan: "launch plan" };

/**
 * Stores a new version. The same spec under an existing id is accepted as is; a different spec is
 * ALREADY_EXISTS, because ids are immutable.
 */
export function storeVersion<D extends DescMessage>(
  ctx: RegistryContext,
  kind: EntityKind,
  key: EntityKey,
  schema: D,
  spec: MessageShape<D>,
  closure: Uint8Array,
): void {
  const { bytes, digest } = encodeSpec(schema, spec);
  const outcome = ctx.store.insertEntity(kind, { ...key, digest, spec: bytes, closure, createdAt: ctx.now() }, sameSpecAs(schema, spec, digest));
  if (outcome === "different") throw differentSpec(kind, key);
}

/**
 * If `key` is registered already, whether with this very spec (true) — so registration can skip
 * compiling — or throws ALREADY_EXISTS for a different spec. False if the key is free.
 */
export function alreadyRegistered<D extends DescMessage>(ctx: RegistryContext, kind: EntityKind, key: EntityKey, schema: D, spec: MessageShape<D>): boolean {
  const stored = ctx.store.getEntity(kind, key);
  if (stored === undefined) return false;
  const { digest } = encodeSpec(schema, spec);
  if (sameSpecAs(schema, spec, digest)(stored)) return true;
  throw differentSpec(kind, key);
}

function differentSpec(kind: EntityKind, key: EntityKey): Error {
  const what = KIND_TEXT[kind];
  return alreadyExists(
    `${what} '${idText(key)}' is already registered with a different spec; ids are immutable, so register the changed ${what} under a new version`,
  );
}

/** The full identifier of a stored row. */
export function identifierOf(kind: EntityKind, row: EntityKey): Identifier {
  return create(IdentifierSchema, { resourceType: RESOURCE_TYPE[kind], project: row.project, domain: row.domain, name: row.name, version: row.version });
}

const ENTITY_LIST: ListSpec = { fields: ENTITY_FIELDS, sortable: ENTITY_SORT, defaultSort: "created_at" };

/** A page of versions for a ResourceListRequest (project and domain required, name optional). */
export function listVersions(
  ctx: RegistryContext,
  kind: EntityKind,
  req: ResourceListRequest,
  spec: ListSpec = ENTITY_LIST,
  extra: readonly SqlCondition[] = [],
): { rows: EntityRow[]; token: string } {
  const id = req.id;
  requireScope(id?.project ?? "", id?.domain ?? "", `listing ${KIND_TEXT[kind]}s`);
  const scope: SqlCondition[] = [
    { sql: "project = ?", params: [id?.project ?? ""] },
    { sql: "domain = ?", params: [id?.domain ?? ""] },
  ];
  if (id !== undefined && id.name !== "") scope.push({ sql: "name = ?", params: [id.name] });
  const query = listQueryOf(req, spec, [...scope, ...extra]);
  const rows = ctx.store.listEntities(kind, query);
  return { rows, token: nextToken(query, rows.length) };
}

/** A page of the names of `kind` registered in a project and domain (ListTaskIds and friends). */
export function listIds(ctx: RegistryContext, kind: EntityKind, req: NamedEntityIdentifierListRequest): NamedEntityIdentifierList {
  requireScope(req.project, req.domain, `listing ${KIND_TEXT[kind]} ids`);
  const query: ListQuery = listQueryOf(req, NAME_LIST);
  const rows = ctx.store.listNamedEntities(kind, req.project, req.domain, query);
  return create(NamedEntityIdentifierListSchema, {
    entities: rows.map((r) => create(NamedEntityIdentifierSchema, { project: r.project, domain: r.domain, name: r.name, org: req.org })),
    token: nextToken(query, rows.length),
  });
}

/** Filters and sort keys of name lists. */
export const NAME_LIST: ListSpec = {
  fields: {
    name: { column: "name", kind: "text" },
    created_at: { column: "created_at", kind: "timestamp" },
    description: { column: "description", kind: "text" },
    state: { column: "state", kind: "integer" },
  },
  sortable: { name: "name", created_at: "created_at" },
  defaultSort: "created_at",
};
