/**
 * Workflows: CreateWorkflow (compiled on registration), GetWorkflow, ListWorkflows,
 * ListWorkflowIds.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { compileWorkflow, formatDiagnostics, type CompiledWorkflowClosure } from "@flyte/engine";
import type { ObjectGetRequest, ResourceListRequest } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import {
  WorkflowClosureSchema,
  WorkflowCreateResponseSchema,
  WorkflowListSchema,
  WorkflowSchema,
  WorkflowSpecSchema,
  type Workflow,
  type WorkflowCreateRequest,
  type WorkflowCreateResponse,
  type WorkflowList,
} from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityRow } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { alreadyRegistered, identifierOf, listVersions, storeVersion } from "./entities.ts";
import { idText, invalidArgument, notFound } from "./errors.ts";
import { checkTemplateId } from "./template-id.ts";
import { EncodedAnswer } from "./encoded-answer.ts";
import { workflowAnswerBytes } from "./workflow-answer.ts";
import { workflowCacheOf } from "./workflow-cache.ts";
import { entityKeyOf, requireActiveProjectDomain } from "./validate.ts";
import { referencesOf, registeredLaunchPlans, registeredTasks } from "./workflow-references.ts";

/**
 * Registers a workflow version. The workflow is compiled against the registered tasks and launch
 * plans it references and the sub-workflows sent with it; any compile problem rejects it with
 * INVALID_ARGUMENT listing every diagnostic. The compiled closure is stored with the spec.
 */
export function createWorkflow(ctx: RegistryContext, req: WorkflowCreateRequest): WorkflowCreateResponse {
  const key = entityKeyOf(req.id, ResourceType.WORKFLOW);
  requireActiveProjectDomain(ctx, key.project, key.domain);
  if (req.spec?.template === undefined) throw invalidArgument(`workflow '${idText(key)}' has no spec.template; send the WorkflowTemplate to register`);
  const spec = clone(WorkflowSpecSchema, req.spec);
  const primary = spec.template!;
  checkTemplateId(primary, ResourceType.WORKFLOW, key, "workflow");
  if (alreadyRegistered(ctx, "workflow", key, WorkflowSpecSchema, spec)) return create(WorkflowCreateResponseSchema);

  const refs = referencesOf([primary, ...spec.subWorkflows]);
  const result = compileWorkflow({
    primary,
    subWorkflows: spec.subWorkflows,
    tasks: registeredTasks(ctx.store, refs.tasks),
    launchPlans: registeredLaunchPlans(ctx.store, refs.launchPlans),
  });
  if (!result.ok) {
    const count = result.diagnostics.length;
    throw invalidArgument(
      `workflow '${idText(key)}' failed to compile (${count} problem${count === 1 ? "" : "s"}); register the tasks and launch plans it uses first and fix the workflow:\n${formatDiagnostics(result.diagnostics)}`,
    );
  }
  storeVersion(ctx, "workflow", key, WorkflowSpecSchema, spec, toBinary(CompiledWorkflowClosureSchema, result.closure));
  return create(WorkflowCreateResponseSchema);
}

/** One workflow version with its compiled closure. */
export function getWorkflow(ctx: RegistryContext, req: ObjectGetRequest): Workflow {
  const key = idText(entityKeyOf(req.id, ResourceType.WORKFLOW));
  const messages = workflowCacheOf(ctx.store).messages;
  const kept = messages.find(key);
  if (kept !== undefined) return kept;
  const answer = getWorkflowAnswer(ctx, req);
  return messages.keep(key, fromBinary(WorkflowSchema, answer.bytes), answer.bytes.length);
}

/**
 * {@link getWorkflow}'s answer, encoded. Versions are immutable, so each is encoded once and kept
 * (bounded by bytes); a kept answer is sent without reading the row again.
 */
export function getWorkflowAnswer(ctx: RegistryContext, req: ObjectGetRequest): EncodedAnswer {
  const key = entityKeyOf(req.id, ResourceType.WORKFLOW);
  const text = idText(key);
  const answers = workflowCacheOf(ctx.store).answers;
  const kept = answers.find(text);
  if (kept !== undefined) return kept;
  const row = ctx.store.getEntity("workflow", key);
  if (row === undefined) throw notFound(`workflow '${text}' is not registered; list versions with ListWorkflows or register it first`);
  const bytes = workflowAnswerBytes(row);
  return answers.keep(text, new EncodedAnswer(bytes), 2 * bytes.length);
}

/** A page of workflow versions of a project and domain (and name, when given). */
export function listWorkflows(ctx: RegistryContext, req: ResourceListRequest): WorkflowList {
  const { rows, token } = listVersions(ctx, "workflow", req);
  return create(WorkflowListSchema, { workflows: rows.map(workflowOf), token });
}

/** The compiled closure of a stored workflow. */
export function compiledClosureOf(row: EntityRow): CompiledWorkflowClosure {
  return fromBinary(CompiledWorkflowClosureSchema, row.closure);
}

/** The API message of a stored workflow version. */
export function workflowOf(row: EntityRow): Workflow {
  const spec = fromBinary(WorkflowSpecSchema, row.spec);
  return create(WorkflowSchema, {
    id: identifierOf("workflow", row),
    closure: create(WorkflowClosureSchema, { compiledWorkflow: compiledClosureOf(row), createdAt: timestampFromMs(row.createdAt) }),
    shortDescription: spec.description?.shortDescription ?? "",
  });
}
