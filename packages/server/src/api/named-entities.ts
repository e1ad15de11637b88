/**
 * Named entities: the name-level grouping of all versions of a task, workflow or launch plan,
 * with a description and an ACTIVE/ARCHIVED state (ListNamedEntities, GetNamedEntity,
 * UpdateNamedEntity).
 */
import { create } from "@bufbuild/protobuf";
import {
  NamedEntityIdentifierSchema,
  NamedEntityListSchema,
  NamedEntityMetadataSchema,
  NamedEntitySchema,
  NamedEntityState,
  NamedEntityUpdateResponseSchema,
  type NamedEntity,
  type NamedEntityGetRequest,
  type NamedEntityList,
  type NamedEntityListRequest,
  type NamedEntityUpdateRequest,
  type NamedEntityUpdateResponse,
} from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityKind, NamedEntityRow } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { NAME_LIST } from "./entities.ts";
import { idText, invalidArgument, kindText, notFound } from "./errors.ts";
import { listQueryOf, nextToken } from "./pagination.ts";
import { namedKeyOf, requireScope } from "./validate.ts";

function kindOf(type: ResourceType): EntityKind {
  switch (type) {
    case ResourceType.TASK:
      return "task";
    case ResourceType.WORKFLOW:
      return "workflow";
    case ResourceType.LAUNCH_PLAN:
      return "launchPlan";
    default:
      throw invalidArgument(`named entities exist for TASK, WORKFLOW and LAUNCH_PLAN, not ${ResourceType[type] ?? String(type)}; set resource_type`);
  }
}

/** A page of named entities. Without a filter on state, archived ones are left out. */
export function listNamedEntities(ctx: RegistryContext, req: NamedEntityListRequest): NamedEntityList {
  const kind = kindOf(req.resourceType);
  requireScope(req.project, req.domain, "ListNamedEntities");
  const extra = /\bstate\b/.test(req.filters) ? [] : [{ sql: "state <> ?", params: [NamedEntityState.NAMED_ENTITY_ARCHIVED] }];
  const query = listQueryOf(req, { ...NAME_LIST, defaultSort: "name", defaultAscending: true }, extra);
  const rows = ctx.store.listNamedEntities(kind, req.project, req.domain, query);
  return create(NamedEntityListSchema, { entities: rows.map((r) => namedEntityOf(req.resourceType, r, req.org)), token: nextToken(query, rows.length) });
}

/** One named entity; NOT_FOUND unless a version of it is registered. */
export function getNamedEntity(ctx: RegistryContext, req: NamedEntityGetRequest): NamedEntity {
  const kind = kindOf(req.resourceType);
  const { project, domain, name } = namedKeyOf(req.id, "GetNamedEntity");
  const row = ctx.store.getNamedEntity(kind, project, domain, name);
  if (row === undefined) throw notFound(`no ${kindText(req.resourceType)} named '${idText({ project, domain, name })}' is registered`);
  return namedEntityOf(req.resourceType, row, req.id?.org ?? "");
}

/** Sets the description and state of a named entity. */
export function updateNamedEntity(ctx: RegistryContext, req: NamedEntityUpdateRequest): NamedEntityUpdateResponse {
  const kind = kindOf(req.resourceType);
  const { project, domain, name } = namedKeyOf(req.id, "UpdateNamedEntity");
  const metadata = req.metadata ?? create(NamedEntityMetadataSchema);
  if (NamedEntityState[metadata.state] === undefined) throw invalidArgument(`unknown named entity state ${String(metadata.state)}`);
  if (!ctx.store.updateNamedEntity(kind, project, domain, name, metadata.description, metadata.state)) {
    throw notFound(`no ${kindText(req.resourceType)} named '${idText({ project, domain, name })}' is registered; register a version first`);
  }
  return create(NamedEntityUpdateResponseSchema);
}

function namedEntityOf(type: ResourceType, row: NamedEntityRow, org: string): NamedEntity {
  return create(NamedEntitySchema, {
    resourceType: type,
    id: create(NamedEntityIdentifierSchema, { project: row.project, domain: row.domain, name: row.name, org }),
    metadata: create(NamedEntityMetadataSchema, { description: row.description, state: row.state }),
  });
}
