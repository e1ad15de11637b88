/**
 * The engine's records as FlyteAdmin messages: phases as flyteidl enums, errors as
 * `core.ExecutionError`, times as timestamps and durations, ids from `project:domain:name` keys.
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { CacheStatus, ExecutionError, NodeExecutionPhase, TaskExecutionPhase, TaskFailure, WorkflowExecutionPhase } from "@flyte/engine";
import { CatalogCacheStatus } from "@flyte/idl/gen/flyteidl/core/catalog_pb.js";
import {
  ExecutionErrorSchema,
  ExecutionError_ErrorKind,
  NodeExecution_Phase,
  TaskExecution_Phase,
  WorkflowExecution_Phase,
  type ExecutionError as CoreExecutionError,
} from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import {
  NodeExecutionIdentifierSchema,
  WorkflowExecutionIdentifierSchema,
  type NodeExecutionIdentifier,
  type WorkflowExecutionIdentifier,
} from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { invalidArgument } from "../api/errors.ts";
import { executionKey, parseExecutionKey } from "../store/execution-key.ts";

/** flyteidl's workflow execution phase. */
export function workflowPhaseOf(phase: WorkflowExecutionPhase): WorkflowExecution_Phase {
  return WorkflowExecution_Phase[phase];
}

/** flyteidl's node execution phase. */
export function nodePhaseOf(phase: NodeExecutionPhase): NodeExecution_Phase {
  return NodeExecution_Phase[phase];
}

/** flyteidl's task execution phase. */
export function taskPhaseOf(phase: TaskExecutionPhase): TaskExecution_Phase {
  return TaskExecution_Phase[phase];
}

/** flyteidl's catalog status. */
export function cacheStatusOf(status: CacheStatus | undefined): CatalogCacheStatus {
  return status === undefined ? CatalogCacheStatus.CACHE_DISABLED : CatalogCacheStatus[status];
}

/** A failure as `core.ExecutionError`. */
export function coreErrorOf(error: ExecutionError | TaskFailure): CoreExecutionError {
  return create(ExecutionErrorSchema, {
    code: error.code,
    message: error.message,
    kind: error.kind === "SYSTEM" ? ExecutionError_ErrorKind.SYSTEM : ExecutionError_ErrorKind.USER,
  });
}

/** Timestamp fields, absent when the time is unknown. */
export function timestampOf(ms: number | undefined): ReturnType<typeof timestampFromMs> | undefined {
  return ms === undefined ? undefined : timestampFromMs(ms);
}

/** How long something ran: to its end, or to now while it runs. */
export function durationOf(startedAt: number | undefined, endedAt: number | undefined, now: number): ReturnType<typeof durationFromMs> | undefined {
  return startedAt === undefined ? undefined : durationFromMs(Math.max(0, (endedAt ?? now) - startedAt));
}

/** The API's id of an engine execution key. */
export function workflowExecutionIdOf(executionId: string): WorkflowExecutionIdentifier {
  const { project, domain, name } = parseExecutionKey(executionId);
  return create(WorkflowExecutionIdentifierSchema, { project, domain, name });
}

/** The engine key of an API id; INVALID_ARGUMENT naming `what` when a part is missing. */
export function executionKeyOf(id: WorkflowExecutionIdentifier | undefined, what: string): string {
  if (id === undefined) throw invalidArgument(`${what} needs an execution id (project, domain and name)`);
  for (const field of ["project", "domain", "name"] as const) {
    if (id[field] === "") throw invalidArgument(`${what}: the execution id has no ${field}; pass project, domain and name`);
  }
  try {
    return executionKey({ project: id.project, domain: id.domain, name: id.name });
  } catch (error) {
    throw invalidArgument(`${what}: ${(error as Error).message}`);
  }
}

/** The API's node execution id. */
export function nodeExecutionIdOf(executionId: string, nodeId: string): NodeExecutionIdentifier {
  return create(NodeExecutionIdentifierSchema, { nodeId, executionId: workflowExecutionIdOf(executionId) });
}
