/**
 * The execution RPCs of AdminService: CreateExecution, RelaunchExecution, RecoverExecution,
 * GetExecution, ListExecutions, TerminateExecution, GetExecutionData.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import {
  ExecutionCreateResponseSchema,
  ExecutionMetadata_ExecutionMode,
  ExecutionTerminateResponseSchema,
  WorkflowExecutionGetDataResponseSchema,
  type ExecutionCreateRequest,
  type ExecutionCreateResponse,
  type ExecutionRecoverRequest,
  type ExecutionRelaunchRequest,
  type ExecutionTerminateRequest,
  type WorkflowExecutionGetDataRequest,
  type WorkflowExecutionGetDataResponse,
  type WorkflowExecutionGetRequest,
  type Execution,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { notFound } from "../api/errors.ts";
import { requireActiveProjectDomain, requireScope } from "../api/validate.ts";
import { executionKeyOf } from "./admin-messages.ts";
import { mergeExecutionInputs } from "./execution-inputs.ts";
import { executionOf, specViewOf } from "./execution-view.ts";
import type { ExecutionsContext } from "./executions-context.ts";
import { launchTargetOf } from "./launch-targets.ts";
import { startExecution } from "./start-execution.ts";
import type { ExecutionRecord } from "@flyte/engine/store";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]);

/** CreateExecution: validates inputs against the launch plan (or task), commits, starts. */
export async function createExecution(ctx: ExecutionsContext, req: ExecutionCreateRequest): Promise<ExecutionCreateResponse> {
  requireScope(req.project, req.domain, "CreateExecution");
  requireActiveProjectDomain({ store: ctx.registry, now: () => ctx.now() }, req.project, req.domain);
  const target = launchTargetOf(ctx.registry, req.spec?.launchPlan);
  const given = req.inputs ?? req.spec?.inputs;
  const inputs = mergeExecutionInputs(target.subject, target.expectedInputs, target.spec, given);
  const id = await startExecution(ctx, {
    project: req.project,
    domain: req.domain,
    name: req.name,
    spec: { ...(req.spec as NonNullable<typeof req.spec>), launchPlan: target.id },
    mode: req.spec?.metadata?.mode ?? ExecutionMetadata_ExecutionMode.MANUAL,
    closure: target.closure,
    ...(target.closureBytes === undefined ? {} : { closureBytes: target.closureBytes }),
    inputs,
    userInputs: given ?? inputs,
    ...(target.spec === undefined ? {} : { launchPlanMaxParallelism: target.spec.maxParallelism }),
  });
  return create(ExecutionCreateResponseSchema, { id });
}

/** The recorded spec of a root execution, or NOT_FOUND / FAILED_PRECONDITION naming it. */
function originalOf(ctx: ExecutionsContext, executionId: string, rpc: string) {
  const original = ctx.specs.get(executionId);
  if (original === undefined) {
    throw notFound(`${rpc}: execution '${executionId.replaceAll(":", "/")}' was not started by this server (unknown id, or a child execution: ${rpc.toLowerCase()} its parent)`);
  }
  return original;
}

/** RelaunchExecution: a new execution with the same spec and inputs, mode RELAUNCH. */
export async function relaunchExecution(ctx: ExecutionsContext, req: ExecutionRelaunchRequest): Promise<ExecutionCreateResponse> {
  const original = originalOf(ctx, executionKeyOf(req.id, "RelaunchExecution"), "RelaunchExecution");
  const spec = { ...original.spec, overwriteCache: req.overwriteCache || original.spec.overwriteCache };
  const id = await startExecution(ctx, {
    project: original.project,
    domain: original.domain,
    name: req.name,
    spec,
    mode: ExecutionMetadata_ExecutionMode.RELAUNCH,
    closure: original.closure,
    inputs: original.inputs,
    userInputs: original.userInputs,
    ...(req.id === undefined ? {} : { referenceExecution: req.id }),
  });
  return create(ExecutionCreateResponseSchema, { id });
}

/**
 * RecoverExecution: a new execution with the same inputs, mode RECOVERED, in which every node
 * that succeeded in the original is RECOVERED with its outputs instead of running.
 */
export async function recoverExecution(ctx: ExecutionsContext, req: ExecutionRecoverRequest): Promise<ExecutionCreateResponse> {
  const originalId = executionKeyOf(req.id, "RecoverExecution");
  const original = originalOf(ctx, originalId, "RecoverExecution");
  const id = await startExecution(ctx, {
    project: original.project,
    domain: original.domain,
    name: req.name,
    spec: original.spec,
    mode: ExecutionMetadata_ExecutionMode.RECOVERED,
    closure: original.closure,
    inputs: original.inputs,
    userInputs: original.userInputs,
    recoverFrom: originalId,
    ...(req.id === undefined ? {} : { referenceExecution: req.id }),
  });
  return create(ExecutionCreateResponseSchema, { id });
}

async function recordOf(ctx: ExecutionsContext, executionId: string, rpc: string): Promise<ExecutionRecord> {
  const record = await ctx.store.getExecution(executionId);
  if (record === undefined) {
    throw notFound(`${rpc}: execution '${executionId.replaceAll(":", "/")}' does not exist; list executions with ListExecutions`);
  }
  return record;
}

/** GetExecution: phase, timings, and outputs, error or abort cause. */
export async function getExecution(ctx: ExecutionsContext, req: WorkflowExecutionGetRequest): Promise<Execution> {
  const executionId = executionKeyOf(req.id, "GetExecution");
  const record = await recordOf(ctx, executionId, "GetExecution");
  return executionOf(record, await specViewOf(ctx, executionId, () => record.closure), ctx.now());
}

/** TerminateExecution: running attempts are cancelled and the execution ends ABORTED. */
export async function terminateExecution(ctx: ExecutionsContext, req: ExecutionTerminateRequest) {
  const executionId = executionKeyOf(req.id, "TerminateExecution");
  const record = await recordOf(ctx, executionId, "TerminateExecution").catch((error: unknown) => {
    // Committed but not yet picked up by the engine: still terminable.
    if (ctx.specs.get(executionId) === undefined) throw error;
    return undefined;
  });
  if (record !== undefined && TERMINAL.has(record.phase)) {
    throw new ConnectError(`Cannot abort an already terminated workflow execution: '${executionId.replaceAll(":", "/")}' is ${record.phase}`, Code.FailedPrecondition);
  }
  if (ctx.specs.get(executionId) === undefined) {
    throw new ConnectError(`execution '${executionId.replaceAll(":", "/")}' is a child execution; terminate its parent execution instead`, Code.FailedPrecondition);
  }
  const cause = req.cause === "" ? "terminated through the API" : req.cause;
  await ctx.specs.setAbortCause(executionId, cause);
  await ctx.orchestrator.terminate(executionId, cause);
  return create(ExecutionTerminateResponseSchema);
}

/** GetExecutionData: the inputs and outputs inline. */
export async function getExecutionData(ctx: ExecutionsContext, req: WorkflowExecutionGetDataRequest): Promise<WorkflowExecutionGetDataResponse> {
  const executionId = executionKeyOf(req.id, "GetExecutionData");
  const record = await recordOf(ctx, executionId, "GetExecutionData");
  return create(WorkflowExecutionGetDataResponseSchema, {
    fullInputs: record.inputs,
    ...(record.outputs === undefined ? {} : { fullOutputs: record.outputs }),
  });
}
