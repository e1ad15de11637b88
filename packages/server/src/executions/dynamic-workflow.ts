/**
 * The workflow a dynamic node ran, for GetNodeExecutionData's `dynamic_workflow` (so clients can
 * draw the node's children with their edges). Nothing extra is stored for it: the queue keeps the
 * attempt's assignment (the dynamic task) and the worker's report (the `DynamicJobSpec`), and
 * compiling that spec again gives the closure the engine ran — once per attempt
 * (dynamic-workflow-cache.ts).
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { compileJobSpecClosure } from "@flyte/engine";
import { DynamicWorkflowNodeMetadataSchema, type DynamicWorkflowNodeMetadata } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { AssignmentSchema, CompleteRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { StoredNodeExecution } from "../store/state-types.ts";
import { attemptKey, dynamicWorkflowCacheOf } from "./dynamic-workflow-cache.ts";
import type { ExecutionsContext } from "./executions-context.ts";

/**
 * The compiled workflow of `node`'s last attempt when that attempt returned a dynamic workflow
 * with nodes; undefined for every other node (and for a spec that did not compile: the node
 * failed without running it).
 */
export async function dynamicWorkflowOf(ctx: ExecutionsContext, executionId: string, node: StoredNodeExecution): Promise<DynamicWorkflowNodeMetadata | undefined> {
  if (node.attempts === 0) return undefined;
  const cache = dynamicWorkflowCacheOf(ctx.queue);
  const key = attemptKey(executionId, node.nodeId, node.attempts - 1);
  const kept = cache.find(key);
  if (kept !== undefined) return kept;
  // The result alone first: most nodes are not dynamic, and their log and inputs are not needed.
  const result = await ctx.queue.resultOf(executionId, node.nodeId, node.attempts - 1);
  if (result === undefined) return undefined;
  const outcome = fromBinary(CompleteRequestSchema, result).outcome;
  if (outcome.case !== "futures" || outcome.value.nodes.length === 0) return undefined;
  const payload = await ctx.queue.payloadOf(executionId, node.nodeId, node.attempts - 1);
  const task = payload === undefined ? undefined : fromBinary(AssignmentSchema, payload).task;
  if (task === undefined) return undefined;
  const compiled = compileJobSpecClosure(outcome.value, task.interface ?? create(TypedInterfaceSchema), task.id ?? create(IdentifierSchema));
  if (!compiled.ok) return undefined;
  const id = compiled.closure.primary?.template?.id;
  const workflow = create(DynamicWorkflowNodeMetadataSchema, { ...(id === undefined ? {} : { id }), compiledWorkflow: compiled.closure });
  // Kept only once the attempt's result is recorded (it was read above), so it never changes.
  cache.keep(key, workflow, result.byteLength + (payload?.byteLength ?? 0));
  return workflow;
}
