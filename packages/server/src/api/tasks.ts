/**
 * Tasks: CreateTask, GetTask, ListTasks, ListTaskIds.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ObjectGetRequest, ResourceListRequest } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import {
  TaskClosureSchema,
  TaskCreateResponseSchema,
  TaskListSchema,
  TaskSchema,
  TaskSpecSchema,
  type Task,
  type TaskCreateRequest,
  type TaskCreateResponse,
  type TaskList,
} from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { CompiledTaskSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { IdentifierSchema, ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityRow } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { alreadyRegistered, identifierOf, listVersions, storeVersion } from "./entities.ts";
import { idText, invalidArgument, notFound } from "./errors.ts";
import { checkTemplateId } from "./template-id.ts";
import { entityKeyOf, requireActiveProjectDomain } from "./validate.ts";

/** Registers a task version. */
export function createTask(ctx: RegistryContext, req: TaskCreateRequest): TaskCreateResponse {
  const key = entityKeyOf(req.id, ResourceType.TASK);
  requireActiveProjectDomain(ctx, key.project, key.domain);
  const template = req.spec?.template;
  if (req.spec === undefined || template === undefined) throw invalidArgument(`task '${idText(key)}' has no spec.template; send the TaskTemplate to register`);
  const spec = clone(TaskSpecSchema, req.spec);
  // The template's id is the task's id; fill it in when the client left it out.
  const copy = spec.template ?? template;
  checkTemplateId(copy, ResourceType.TASK, key, "task");
  for (const [side, map] of [["input", copy.interface?.inputs], ["output", copy.interface?.outputs]] as const) {
    for (const [name, variable] of Object.entries(map?.variables ?? {})) {
      if (variable.type === undefined) throw invalidArgument(`task '${idText(key)}': ${side} '${name}' has no type`);
    }
  }
  if (!alreadyRegistered(ctx, "task", key, TaskSpecSchema, spec)) {
    const closure = create(TaskClosureSchema, { compiledTask: create(CompiledTaskSchema, { template: copy }) });
    storeVersion(ctx, "task", key, TaskSpecSchema, spec, toBinary(TaskClosureSchema, closure));
  }
  return create(TaskCreateResponseSchema);
}

/** One task version. */
export function getTask(ctx: RegistryContext, req: ObjectGetRequest): Task {
  const key = entityKeyOf(req.id, ResourceType.TASK);
  const row = ctx.store.getEntity("task", key);
  if (row === undefined) throw notFound(`task '${idText(key)}' is not registered; list versions with ListTasks or register it first`);
  return taskOf(row);
}

/** A page of task versions of a project and domain (and name, when given). */
export function listTasks(ctx: RegistryContext, req: ResourceListRequest): TaskList {
  const { rows, token } = listVersions(ctx, "task", req);
  return create(TaskListSchema, { tasks: rows.map(taskOf), token });
}

/** Decodes a stored task into the API message. */
export function taskOf(row: EntityRow): Task {
  const closure = fromBinary(TaskClosureSchema, row.closure);
  closure.createdAt = timestampFromMs(row.createdAt);
  const spec = fromBinary(TaskSpecSchema, row.spec);
  return create(TaskSchema, {
    id: create(IdentifierSchema, identifierOf("task", row)),
    closure,
    shortDescription: spec.description?.shortDescription ?? "",
  });
}
