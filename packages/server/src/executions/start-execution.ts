/**
 * Creating an execution, shared by CreateExecution, RelaunchExecution, RecoverExecution and the
 * scheduler: name it, commit its spec row (durable before the caller hears of it), start it.
 */
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ExecutionMetadataSchema,
  ExecutionSpecSchema,
  type ExecutionMetadata_ExecutionMode,
  type ExecutionSpec,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { WorkflowExecutionIdentifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { alreadyExists } from "../api/errors.ts";
import { executionKey } from "../store/execution-key.ts";
import { workflowExecutionIdOf } from "./admin-messages.ts";
import { checkExecutionName, generateExecutionName } from "./execution-names.ts";
import { DuplicateExecutionError } from "./execution-records.ts";
import type { ExecutionsContext } from "./executions-context.ts";

/** One execution to create. */
export interface NewExecutionRequest {
  readonly project: string;
  readonly domain: string;
  /** "" to generate one. */
  readonly name: string;
  /** The spec to record; its launch plan id, metadata and settings are kept. */
  readonly spec: ExecutionSpec;
  readonly mode: ExecutionMetadata_ExecutionMode;
  readonly closure: CompiledWorkflowClosure;
  readonly inputs: LiteralMap;
  readonly userInputs: LiteralMap;
  /** Max parallelism of the launch plan (used when the request gives none). */
  readonly launchPlanMaxParallelism?: number;
  readonly recoverFrom?: string;
  readonly referenceExecution?: WorkflowExecutionIdentifier;
  /** For scheduled executions. */
  readonly scheduledAt?: number;
}

/** Creates and starts an execution; resolves with its id once its spec row is committed. */
export async function startExecution(ctx: ExecutionsContext, request: NewExecutionRequest): Promise<WorkflowExecutionIdentifier> {
  const name = request.name === "" ? generateExecutionName() : request.name;
  checkExecutionName(name);
  const executionId = executionKey({ project: request.project, domain: request.domain, name });
  const duplicate = (): Error =>
    alreadyExists(`execution '${request.project}/${request.domain}/${name}' already exists; choose another name or leave it empty to generate one`);
  if ((await ctx.store.getExecution(executionId)) !== undefined) throw duplicate();

  const spec = clone(ExecutionSpecSchema, request.spec);
  spec.inputs = undefined;
  const metadata = spec.metadata ?? create(ExecutionMetadataSchema);
  metadata.mode = request.mode;
  if (request.referenceExecution !== undefined) metadata.referenceExecution = request.referenceExecution;
  if (request.scheduledAt !== undefined) metadata.scheduledAt = timestampFromMs(request.scheduledAt);
  spec.metadata = metadata;
  if (spec.maxParallelism <= 0 && (request.launchPlanMaxParallelism ?? 0) > 0) spec.maxParallelism = request.launchPlanMaxParallelism as number;
  try {
    await ctx.specs.insert({
      executionId,
      project: request.project,
      domain: request.domain,
      name,
      spec,
      closure: request.closure,
      inputs: request.inputs,
      userInputs: request.userInputs,
      ...(request.recoverFrom === undefined ? {} : { recoverFrom: request.recoverFrom }),
      createdAt: ctx.now(),
    });
  } catch (error) {
    if (error instanceof DuplicateExecutionError) throw duplicate();
    throw error;
  }
  // Runs in the background; the orchestrator reports its failures.
  void ctx.orchestrator.launch({
    executionId,
    closure: request.closure,
    inputs: request.inputs,
    ...(spec.maxParallelism > 0 ? { maxParallelism: spec.maxParallelism } : {}),
    overwriteCache: spec.overwriteCache,
    ...(request.recoverFrom === undefined ? {} : { recoverFrom: request.recoverFrom }),
  });
  // Answer once the execution is in the store: a client that reads it right away must find it.
  await ctx.orchestrator.recorded(executionId);
  return workflowExecutionIdOf(executionId);
}

/** An empty spec for callers that start from ids only (the scheduler). */
export function emptySpec(): ExecutionSpec {
  return create(ExecutionSpecSchema);
}
