/**
 * Launch plans: CreateLaunchPlan (validated against the workflow), GetLaunchPlan, ListLaunchPlans,
 * ListLaunchPlanIds, UpdateLaunchPlan (activation), GetActiveLaunchPlan, ListActiveLaunchPlans.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ObjectGetRequest, ResourceListRequest } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import {
  LaunchPlanClosureSchema,
  LaunchPlanCreateResponseSchema,
  LaunchPlanListSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
  LaunchPlanState,
  LaunchPlanUpdateResponseSchema,
  type ActiveLaunchPlanListRequest,
  type ActiveLaunchPlanRequest,
  type LaunchPlan,
  type LaunchPlanCreateRequest,
  type LaunchPlanCreateResponse,
  type LaunchPlanList,
  type LaunchPlanUpdateRequest,
  type LaunchPlanUpdateResponse,
} from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityRow } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { alreadyRegistered, identifierOf, listVersions, storeVersion } from "./entities.ts";
import { idText, invalidArgument, notFound } from "./errors.ts";
import { checkLaunchPlan } from "./launch-plan-validation.ts";
import { listQueryOf, nextToken, type ListSpec } from "./pagination.ts";
import { ENTITY_FIELDS, ENTITY_SORT, entityKeyOf, namedKeyOf, requireActiveProjectDomain, requireScope } from "./validate.ts";
import { compiledClosureOf } from "./workflows.ts";

const LAUNCH_PLAN_LIST: ListSpec = {
  fields: { ...ENTITY_FIELDS, state: { column: "state", kind: "integer" } },
  sortable: ENTITY_SORT,
  defaultSort: "created_at",
};

/**
 * Registers a launch plan version, INACTIVE. Its workflow must be registered, and its default and
 * fixed inputs and schedule must fit the workflow's inputs.
 */
export function createLaunchPlan(ctx: RegistryContext, req: LaunchPlanCreateRequest): LaunchPlanCreateResponse {
  const key = entityKeyOf(req.id, ResourceType.LAUNCH_PLAN);
  requireActiveProjectDomain(ctx, key.project, key.domain);
  if (req.spec === undefined) throw invalidArgument(`launch plan '${idText(key)}' has no spec; send the LaunchPlanSpec to register`);
  const spec = clone(LaunchPlanSpecSchema, req.spec);
  const wfKey = entityKeyOf(spec.workflowId, ResourceType.WORKFLOW, "spec.workflowId");
  if (alreadyRegistered(ctx, "launchPlan", key, LaunchPlanSpecSchema, spec)) return create(LaunchPlanCreateResponseSchema);
  const workflow = ctx.store.getEntity("workflow", wfKey);
  if (workflow === undefined) {
    throw notFound(`launch plan '${idText(key)}' refers to workflow '${idText(wfKey)}', which is not registered; register the workflow first`);
  }
  const wfInterface = compiledClosureOf(workflow).primary?.template?.interface;
  const check = checkLaunchPlan(spec, wfInterface);
  if (!check.ok) {
    throw invalidArgument(`launch plan '${idText(key)}' does not fit workflow '${idText(wfKey)}':\n${check.problems.join("\n")}`);
  }
  const closure = create(LaunchPlanClosureSchema, { expectedInputs: check.expectedInputs, ...(wfInterface?.outputs === undefined ? {} : { expectedOutputs: wfInterface.outputs }) });
  storeVersion(ctx, "launchPlan", key, LaunchPlanSpecSchema, spec, toBinary(LaunchPlanClosureSchema, closure));
  return create(LaunchPlanCreateResponseSchema);
}

/** One launch plan version. */
export function getLaunchPlan(ctx: RegistryContext, req: ObjectGetRequest): LaunchPlan {
  const key = entityKeyOf(req.id, ResourceType.LAUNCH_PLAN);
  const row = ctx.store.getEntity("launchPlan", key);
  if (row === undefined) throw notFound(`launch plan '${idText(key)}' is not registered; list versions with ListLaunchPlans or register it first`);
  return launchPlanOf(row);
}

/** A page of launch plan versions of a project and domain (and name, when given). */
export function listLaunchPlans(ctx: RegistryContext, req: ResourceListRequest): LaunchPlanList {
  const { rows, token } = listVersions(ctx, "launchPlan", req, LAUNCH_PLAN_LIST);
  return create(LaunchPlanListSchema, { launchPlans: rows.map(launchPlanOf), token });
}

/**
 * Activates or deactivates a version. Activating one deactivates the version of the same name that
 * was active, so at most one is active at a time.
 */
export function updateLaunchPlan(ctx: RegistryContext, req: LaunchPlanUpdateRequest): LaunchPlanUpdateResponse {
  const key = entityKeyOf(req.id, ResourceType.LAUNCH_PLAN);
  if (req.state !== LaunchPlanState.ACTIVE && req.state !== LaunchPlanState.INACTIVE) {
    throw invalidArgument(`unknown launch plan state ${String(req.state)} for '${idText(key)}'; use ACTIVE or INACTIVE`);
  }
  if (!ctx.store.setLaunchPlanState(key, req.state, ctx.now())) {
    throw notFound(`launch plan '${idText(key)}' is not registered; register it before changing its state`);
  }
  return create(LaunchPlanUpdateResponseSchema);
}

/** The active version of a launch plan name. */
export function getActiveLaunchPlan(ctx: RegistryContext, req: ActiveLaunchPlanRequest): LaunchPlan {
  const { project, domain, name } = namedKeyOf(req.id, "GetActiveLaunchPlan");
  const row = ctx.store.getActiveLaunchPlan(project, domain, name);
  if (row === undefined) {
    throw notFound(`no version of launch plan '${idText({ project, domain, name })}' is active; activate one with UpdateLaunchPlan (state ACTIVE)`);
  }
  return launchPlanOf(row);
}

/** A page of the active launch plans of a project and domain. */
export function listActiveLaunchPlans(ctx: RegistryContext, req: ActiveLaunchPlanListRequest): LaunchPlanList {
  requireScope(req.project, req.domain, "ListActiveLaunchPlans");
  const query = listQueryOf({ limit: req.limit, token: req.token, sortBy: req.sortBy }, LAUNCH_PLAN_LIST, [
    { sql: "project = ?", params: [req.project] },
    { sql: "domain = ?", params: [req.domain] },
    { sql: "state = ?", params: [LaunchPlanState.ACTIVE] },
  ]);
  const rows = ctx.store.listEntities("launchPlan", query);
  return create(LaunchPlanListSchema, { launchPlans: rows.map(launchPlanOf), token: nextToken(query, rows.length) });
}

function launchPlanOf(row: EntityRow): LaunchPlan {
  const closure = fromBinary(LaunchPlanClosureSchema, row.closure);
  closure.state = row.state === 1 ? LaunchPlanState.ACTIVE : LaunchPlanState.INACTIVE;
  closure.createdAt = timestampFromMs(row.createdAt);
  closure.updatedAt = timestampFromMs(row.updatedAt);
  return create(LaunchPlanSchema, { id: identifierOf("launchPlan", row), spec: fromBinary(LaunchPlanSpecSchema, row.spec), closure });
}
