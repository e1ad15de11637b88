/**
 * Creating an execution, shared by CreateExecution, RelaunchExecution, RecoverExecution and the
 * scheduler: name it, commit its rows (durable before the caller hears of it), start it.
 */
import { create } from "@bufbuild/protobuf";
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
import { isStoreError } from "@flyte/engine/store";
import { alreadyExists } from "../api/errors.ts";
import { executionKey } from "../store/execution-key.ts";
import { workflowExecutionIdOf } from "./admin-messages.ts";
import { checkExecutionName, generateExecutionName } from "./execution-names.ts";
import { DuplicateExecutionError, type ExecutionSpecRecord } from "./execution-records.ts";
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
  /** `closure` encoded, when at hand (a registered workflow's bytes): not encoded again. */
  readonly closureBytes?: Uint8Array;
  readonly inputs: LiteralMap;
  readonly userInputs: LiteralMap;
  /** Max parallelism of the launch plan (used when the request gives none). */
  readonly launchPlanMaxParallelism?: number;
  readonly recoverFrom?: string;
  readonly referenceExecution?: WorkflowExecutionIdentifier;
  /** For scheduled executions. */
  readonly scheduledAt?: number;
}

/**
 * Creates and starts an execution; resolves with its id once it is durable. Its spec row and the
 * engine's row are written in one group-committed operation — one commit and one fsync, shared
 * with whatever else commits in that turn — and the engine is told it exists (`created`), so it
 * neither reads nor writes it again before starting. Before, a CreateExecution waited for four
 * commits in turn (a duplicate check and the engine's resume check each waited for the pending
 * writes to commit, then the spec row, then the engine's row): under load, four fsyncs.
 */
export async function startExecution(ctx: ExecutionsContext, request: NewExecutionRequest): Promise<WorkflowExecutionIdentifier> {
  const name = request.name === "" ? generateExecutionName() : request.name;
  checkExecutionName(name);
  const executionId = executionKey({ project: request.project, domain: request.domain, name });

  // Shallow copies: only the spec's own fields and its metadata's are set here, and a deep clone
  // of the request's spec cost about a tenth of a millisecond per execution (protobuf reflection).
  const spec: ExecutionSpec = { ...request.spec, inputs: undefined };
  const metadata = request.spec.metadata === undefined ? create(ExecutionMetadataSchema) : { ...request.spec.metadata };
  metadata.mode = request.mode;
  if (request.referenceExecution !== undefined) metadata.referenceExecution = request.referenceExecution;
  if (request.scheduledAt !== undefined) metadata.scheduledAt = timestampFromMs(request.scheduledAt);
  spec.metadata = metadata;
  if (spec.maxParallelism <= 0 && (request.launchPlanMaxParallelism ?? 0) > 0) spec.maxParallelism = request.launchPlanMaxParallelism as number;
  const createdAt = ctx.now();
  const record: ExecutionSpecRecord = {
    executionId,
    project: request.project,
    domain: request.domain,
    name,
    spec,
    closure: request.closure,
    inputs: request.inputs,
    userInputs: request.userInputs,
    ...(request.recoverFrom === undefined ? {} : { recoverFrom: request.recoverFrom }),
    createdAt,
  };
  try {
    // The id is checked inside the transaction: the engine's row refuses a taken id (a child
    // execution's too), the spec row a root execution's, and either refusal rolls back both.
    await ctx.store.createExecution(
      { executionId, closure: request.closure, inputs: request.inputs, createdAt },
      {
        ...(request.closureBytes === undefined ? {} : { closureBytes: request.closureBytes }),
        alongside: (encoded) => ctx.specs.insertWithin(record, encoded),
        // The spec row keeps the closure; the engine's row, rewritten at each phase, holds none.
        closureAlongside: true,
      },
    );
  } catch (error) {
    if (error instanceof DuplicateExecutionError || (isStoreError(error) && error.code === "E_EXECUTION_EXISTS")) {
      throw alreadyExists(`execution '${request.project}/${request.domain}/${name}' already exists; choose another name or leave it empty to generate one`);
    }
    throw error;
  }
  // Runs in the background; the orchestrator reports its failures. The execution is in the store
  // already, so a client that reads it right after the answer finds it.
  void ctx.orchestrator.launch({
    executionId,
    closure: request.closure,
    inputs: request.inputs,
    created: true,
    ...(spec.maxParallelism > 0 ? { maxParallelism: spec.maxParallelism } : {}),
    overwriteCache: spec.overwriteCache,
    ...(request.recoverFrom === undefined ? {} : { recoverFrom: request.recoverFrom }),
  });
  return workflowExecutionIdOf(executionId);
}

/** An empty spec for callers that start from ids only (the scheduler). */
export function emptySpec(): ExecutionSpec {
  return create(ExecutionSpecSchema);
}
