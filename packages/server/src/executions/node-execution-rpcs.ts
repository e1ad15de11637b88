/**
 * Node and task execution RPCs: ListNodeExecutions (top-level nodes, or the children of
 * `unique_parent_id`), ListNodeExecutionsForTask, GetNodeExecution, GetNodeExecutionData (with a
 * dynamic node's compiled workflow), GetDynamicNodeWorkflow,
 * ListTaskExecutions, GetTaskExecution (with a TaskLog pointing at the attempt's log),
 * GetTaskExecutionData.
 *
 * Nested node ids are prefixed by their parent's (`n1-0-n2` in sub-workflow `n1`, `n1-3` item 3
 * of map `n1`, `n1-n0` in branch `n1`): a node's parent is the longest other recorded id that
 * prefixes it followed by `-`.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import {
  DynamicNodeWorkflowResponseSchema,
  NodeExecutionClosureSchema,
  NodeExecutionGetDataResponseSchema,
  NodeExecutionListSchema,
  NodeExecutionMetaDataSchema,
  NodeExecutionSchema,
  TaskNodeMetadataSchema,
  WorkflowNodeMetadataSchema,
  type DynamicNodeWorkflowResponse,
  type GetDynamicNodeWorkflowRequest,
  type NodeExecution,
  type NodeExecutionForTaskListRequest,
  type NodeExecutionGetDataRequest,
  type NodeExecutionGetDataResponse,
  type NodeExecutionGetRequest,
  type NodeExecutionList,
  type NodeExecutionListRequest,
} from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import {
  TaskExecutionClosureSchema,
  TaskExecutionGetDataResponseSchema,
  TaskExecutionListSchema,
  TaskExecutionSchema,
  type TaskExecution,
  type TaskExecutionGetDataRequest,
  type TaskExecutionGetDataResponse,
  type TaskExecutionGetRequest,
  type TaskExecutionList,
  type TaskExecutionListRequest,
} from "@flyte/idl/gen/flyteidl/admin/task_execution_pb.js";
import { TaskLogSchema, TaskLog_MessageFormat } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { IdentifierSchema, ResourceType, TaskExecutionIdentifierSchema, type NodeExecutionIdentifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { CompleteRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { fromBinary } from "@bufbuild/protobuf";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { invalidArgument, notFound } from "../api/errors.ts";
import { attemptDocumentPath, nodeInputsPath } from "../blob/blob-layout.ts";
import { attemptLogUrlPath } from "../dispatch/attempt-log.ts";
import { parseExecutionKey } from "../store/execution-key.ts";
import type { StoredNodeExecution, StoredTaskExecution } from "../store/state-types.ts";
import { cacheStatusOf, coreErrorOf, durationOf, executionKeyOf, nodeExecutionIdOf, nodePhaseOf, taskPhaseOf, timestampOf, workflowExecutionIdOf } from "./admin-messages.ts";
import { itemAttempts, withArrayItems } from "./array-item-nodes.ts";
import { closureTaskTemplates } from "./closure-task-templates.ts";
import { dynamicWorkflowOf } from "./dynamic-workflow.ts";
import type { ExecutionsContext } from "./executions-context.ts";

/** `http://<host>` the client reached, for links in answers. */
function baseUrlOf(handler: HandlerContext): string {
  // HTTP/2 (gRPC) requests have no Host header; their URL carries the :authority.
  return `http://${handler.requestHeader.get("host") ?? hostOfUrl(handler.url) ?? "127.0.0.1"}`;
}

function hostOfUrl(url: string): string | undefined {
  try {
    const host = new URL(url).host;
    return host === "" ? undefined : host;
  } catch {
    return undefined;
  }
}

function nodeKeyOf(id: NodeExecutionIdentifier | undefined, rpc: string): { executionId: string; nodeId: string } {
  if (id === undefined || id.nodeId === "") throw invalidArgument(`${rpc} needs a node execution id: execution (project, domain, name) and node_id`);
  return { executionId: executionKeyOf(id.executionId, rpc), nodeId: id.nodeId };
}

/** Parent id of each node (undefined for top-level nodes). */
export function parentsOf(nodes: readonly StoredNodeExecution[]): Map<string, string | undefined> {
  const ids = new Set(nodes.map((n) => n.nodeId));
  const parents = new Map<string, string | undefined>();
  for (const { nodeId } of nodes) {
    let parent: string | undefined;
    for (let cut = nodeId.lastIndexOf("-"); cut > 0 && parent === undefined; cut = nodeId.lastIndexOf("-", cut - 1)) {
      const candidate = nodeId.slice(0, cut);
      if (ids.has(candidate)) parent = candidate;
    }
    parents.set(nodeId, parent);
  }
  return parents;
}

export function nodeExecutionOf(
  ctx: ExecutionsContext,
  executionId: string,
  node: StoredNodeExecution,
  parent: string | undefined,
  hasChildren: boolean,
  child: string | undefined,
): NodeExecution {
  const closure = create(NodeExecutionClosureSchema, {
    phase: nodePhaseOf(node.phase),
    createdAt: timestampOf(node.createdAt),
    updatedAt: timestampOf(node.updatedAt),
    ...(node.startedAt === undefined ? {} : { startedAt: timestampOf(node.startedAt), duration: durationOf(node.startedAt, node.endedAt, ctx.now()) }),
  });
  if (node.outputs !== undefined && (node.phase === "SUCCEEDED" || node.phase === "RECOVERED")) closure.outputResult = { case: "outputData", value: node.outputs };
  else if (node.error !== undefined) closure.outputResult = { case: "error", value: coreErrorOf(node.error) };
  if (child !== undefined) {
    closure.targetMetadata = { case: "workflowNodeMetadata", value: create(WorkflowNodeMetadataSchema, { executionId: workflowExecutionIdOf(child) }) };
  } else if (node.cacheStatus !== undefined) {
    closure.targetMetadata = { case: "taskNodeMetadata", value: create(TaskNodeMetadataSchema, { cacheStatus: cacheStatusOf(node.cacheStatus) }) };
  }
  const identity = parseExecutionKey(executionId);
  return create(NodeExecutionSchema, {
    id: nodeExecutionIdOf(executionId, node.nodeId),
    inputUri: node.inputs === undefined ? "" : nodeInputsPath(identity, node.nodeId),
    closure,
    metadata: create(NodeExecutionMetaDataSchema, {
      isParentNode: hasChildren,
      specNodeId: parent === undefined ? node.nodeId : (node.nodeId.split("-").at(-1) ?? node.nodeId),
      retryGroup: String(Math.max(0, node.attempts - 1)),
    }),
  });
}

/** A page of the nodes under `parentId` ("" for the top level); only the page's messages are built. */
async function nodeList(ctx: ExecutionsContext, executionId: string, parentId: string, limit: number, token: string): Promise<{ items: NodeExecution[]; token: string }> {
  const nodes = withArrayItems(await ctx.store.listNodeExecutions(executionId));
  const parents = parentsOf(nodes);
  const withChildren = new Set([...parents.values()].filter((p) => p !== undefined));
  const listed = page(
    nodes.filter((node) => (parents.get(node.nodeId) ?? "") === parentId),
    limit,
    token,
  );
  // One query for the child executions (launch-plan nodes), as the watch does: a record read per
  // node not yet attempted cost ~5,000 reads for a 5,000-node execution in flight.
  const children = await ctx.store.listChildExecutionIds(executionId);
  const items = listed.items.map((node) => {
    const childId = `${executionId}-${node.nodeId}`;
    const child = node.attempts === 0 && children.has(childId) ? childId : undefined;
    return nodeExecutionOf(ctx, executionId, node, parents.get(node.nodeId), withChildren.has(node.nodeId), child);
  });
  return { items, token: listed.token };
}

function page<T>(items: readonly T[], limit: number, token: string): { items: T[]; token: string } {
  if (token !== "" && !/^\d+$/.test(token)) throw invalidArgument(`invalid pagination token '${token}': pass the token of the previous page, or "" for the first`);
  const size = limit === 0 ? 100 : Math.min(limit, 10_000);
  const offset = token === "" ? 0 : Number(token);
  const slice = items.slice(offset, offset + size);
  return { items: slice, token: offset + size < items.length ? String(offset + size) : "" };
}

/**
 * The execution's task templates by name; NOT_FOUND when it does not exist. Read from the stored
 * closure's bytes (closure-task-templates.ts); a child execution of a launch-plan node has no
 * spec row, and its record's closure is decoded instead.
 */
async function requireTaskTemplates(ctx: ExecutionsContext, executionId: string, rpc: string): Promise<(taskName: string) => TaskTemplate | undefined> {
  await requireExecutionExists(ctx, executionId, rpc);
  const bytes = ctx.specs.closureBytes(executionId);
  if (bytes !== undefined) return closureTaskTemplates(bytes);
  const record = await ctx.store.getExecution(executionId);
  if (record === undefined) throw missing(executionId, rpc);
  return (taskName) => record.closure.tasks.find((t) => t.template?.id?.name === taskName)?.template;
}

/**
 * NOT_FOUND unless the execution exists, from its summary row: the node listings need nothing
 * else of it, and reading the closure decoded it (~20 ms per call for 5,000 nodes).
 */
async function requireExecutionExists(ctx: ExecutionsContext, executionId: string, rpc: string): Promise<void> {
  if ((await ctx.store.getExecutionSummary(executionId)) === undefined) throw missing(executionId, rpc);
}

function missing(executionId: string, rpc: string): ReturnType<typeof notFound> {
  return notFound(`${rpc}: execution '${executionId.replaceAll(":", "/")}' does not exist`);
}

/** ListNodeExecutions: top-level nodes, or the children of `unique_parent_id`. */
export async function listNodeExecutions(ctx: ExecutionsContext, req: NodeExecutionListRequest): Promise<NodeExecutionList> {
  const executionId = executionKeyOf(req.workflowExecutionId, "ListNodeExecutions");
  await requireExecutionExists(ctx, executionId, "ListNodeExecutions");
  const { items, token } = await nodeList(ctx, executionId, req.uniqueParentId, req.limit, req.token);
  return create(NodeExecutionListSchema, { nodeExecutions: items, token });
}

/** ListNodeExecutionsForTask: the nodes a task execution started (dynamic, map items). */
export async function listNodeExecutionsForTask(ctx: ExecutionsContext, req: NodeExecutionForTaskListRequest): Promise<NodeExecutionList> {
  const { executionId, nodeId } = nodeKeyOf(req.taskExecutionId?.nodeExecutionId, "ListNodeExecutionsForTask");
  await requireExecutionExists(ctx, executionId, "ListNodeExecutionsForTask");
  const { items, token } = await nodeList(ctx, executionId, nodeId, req.limit, req.token);
  return create(NodeExecutionListSchema, { nodeExecutions: items, token });
}

async function nodeRecord(ctx: ExecutionsContext, id: NodeExecutionIdentifier | undefined, rpc: string) {
  const key = nodeKeyOf(id, rpc);
  const node = (await ctx.store.getNodeExecution(key.executionId, key.nodeId)) ?? (await summarizedItem(ctx, key.executionId, key.nodeId));
  if (node === undefined) throw notFound(`${rpc}: node '${key.nodeId}' of execution '${key.executionId.replaceAll(":", "/")}' has no node execution (not started, or no such node)`);
  return { ...key, node };
}

/** A map item the store keeps only in its array node's summary, as a node record. */
async function summarizedItem(ctx: ExecutionsContext, executionId: string, nodeId: string): Promise<StoredNodeExecution | undefined> {
  const cut = nodeId.lastIndexOf("-");
  if (cut <= 0 || !/^\d+$/.test(nodeId.slice(cut + 1))) return undefined;
  const parent = await ctx.store.getNodeExecution(executionId, nodeId.slice(0, cut));
  if (parent?.arrayItems === undefined) return undefined;
  return withArrayItems([parent]).find((n) => n.nodeId === nodeId);
}

/** A node's attempts: recorded ones, or those of a summarized map item. */
async function attemptsOf(ctx: ExecutionsContext, executionId: string, nodeId: string): Promise<readonly StoredTaskExecution[]> {
  const recorded = await ctx.store.listTaskExecutions(executionId, nodeId);
  if (recorded.length > 0) return recorded;
  const item = await summarizedItem(ctx, executionId, nodeId);
  return item === undefined ? recorded : itemAttempts(item);
}

/** GetNodeExecution. */
export async function getNodeExecution(ctx: ExecutionsContext, req: NodeExecutionGetRequest): Promise<NodeExecution> {
  const { executionId, node } = await nodeRecord(ctx, req.id, "GetNodeExecution");
  const nodes = withArrayItems(await ctx.store.listNodeExecutions(executionId));
  const parents = parentsOf(nodes);
  const hasChildren = [...parents.values()].includes(node.nodeId);
  const childId = `${executionId}-${node.nodeId}`;
  const child = node.attempts === 0 && (await ctx.store.getExecution(childId)) !== undefined ? childId : undefined;
  return nodeExecutionOf(ctx, executionId, node, parents.get(node.nodeId), hasChildren, child);
}

/** GetNodeExecutionData: inputs and outputs inline, and a dynamic node's compiled workflow. */
export async function getNodeExecutionData(ctx: ExecutionsContext, req: NodeExecutionGetDataRequest): Promise<NodeExecutionGetDataResponse> {
  const { executionId, node } = await nodeRecord(ctx, req.id, "GetNodeExecutionData");
  const dynamicWorkflow = await dynamicWorkflowOf(ctx, executionId, node);
  return create(NodeExecutionGetDataResponseSchema, {
    ...(node.inputs === undefined ? {} : { fullInputs: node.inputs }),
    ...(node.outputs === undefined ? {} : { fullOutputs: node.outputs }),
    ...(dynamicWorkflow === undefined ? {} : { dynamicWorkflow }),
  });
}

/** GetDynamicNodeWorkflow: the compiled workflow a dynamic node ran; NOT_FOUND for other nodes. */
export async function getDynamicNodeWorkflow(ctx: ExecutionsContext, req: GetDynamicNodeWorkflowRequest): Promise<DynamicNodeWorkflowResponse> {
  const { executionId, node } = await nodeRecord(ctx, req.id, "GetDynamicNodeWorkflow");
  const dynamicWorkflow = await dynamicWorkflowOf(ctx, executionId, node);
  if (dynamicWorkflow === undefined) {
    throw notFound(`GetDynamicNodeWorkflow: node '${node.nodeId}' of execution '${executionId.replaceAll(":", "/")}' ran no dynamic workflow (it is not a dynamic task's node, or its task has not returned one yet)`);
  }
  return create(DynamicNodeWorkflowResponseSchema, { ...(dynamicWorkflow.compiledWorkflow === undefined ? {} : { compiledWorkflow: dynamicWorkflow.compiledWorkflow }) });
}

function taskExecutionOf(
  ctx: ExecutionsContext,
  handler: HandlerContext,
  executionId: string,
  templates: (taskName: string) => TaskTemplate | undefined,
  attempt: StoredTaskExecution,
): TaskExecution {
  const identity = parseExecutionKey(executionId);
  const template = templates(attempt.taskName);
  const taskId = create(IdentifierSchema, { ...(template?.id ?? { project: identity.project, domain: identity.domain, name: attempt.taskName }), resourceType: ResourceType.TASK });
  const taskClosure = create(TaskExecutionClosureSchema, {
    phase: taskPhaseOf(attempt.phase),
    createdAt: timestampOf(attempt.startedAt),
    updatedAt: timestampOf(attempt.updatedAt),
    startedAt: timestampOf(attempt.startedAt),
    duration: durationOf(attempt.startedAt, attempt.endedAt, ctx.now()),
    taskType: template?.type ?? "",
    logs: [
      create(TaskLogSchema, {
        // Attempts are counted from 1 in every message (the API's retryAttempt stays zero-based).
        name: `Attempt ${attempt.attempt + 1} log`,
        uri: `${baseUrlOf(handler)}${attemptLogUrlPath(identity, attempt.nodeId, attempt.attempt)}`,
        messageFormat: TaskLog_MessageFormat.UNKNOWN,
      }),
    ],
  });
  if (attempt.error !== undefined) {
    taskClosure.outputResult = { case: "error", value: coreErrorOf(attempt.error) };
    taskClosure.reason = attempt.error.message;
  } else if (attempt.phase === "SUCCEEDED") {
    taskClosure.outputResult = { case: "outputUri", value: attemptDocumentPath(identity, attempt.nodeId, attempt.attempt, "outputs.pb") };
  }
  return create(TaskExecutionSchema, {
    id: create(TaskExecutionIdentifierSchema, { taskId, nodeExecutionId: nodeExecutionIdOf(executionId, attempt.nodeId), retryAttempt: attempt.attempt }),
    inputUri: nodeInputsPath(identity, attempt.nodeId),
    closure: taskClosure,
  });
}

/** ListTaskExecutions: the attempts of a node. */
export async function listTaskExecutions(ctx: ExecutionsContext, req: TaskExecutionListRequest, handler: HandlerContext): Promise<TaskExecutionList> {
  const { executionId, nodeId } = nodeKeyOf(req.nodeExecutionId, "ListTaskExecutions");
  const templates = await requireTaskTemplates(ctx, executionId, "ListTaskExecutions");
  const attempts = await attemptsOf(ctx, executionId, nodeId);
  const { items, token } = page(attempts, req.limit, req.token);
  return create(TaskExecutionListSchema, { taskExecutions: items.map((a) => taskExecutionOf(ctx, handler, executionId, templates, a)), token });
}

async function attemptRecord(ctx: ExecutionsContext, req: TaskExecutionGetRequest | TaskExecutionGetDataRequest, rpc: string) {
  const { executionId, nodeId } = nodeKeyOf(req.id?.nodeExecutionId, rpc);
  const templates = await requireTaskTemplates(ctx, executionId, rpc);
  const attempt = (await attemptsOf(ctx, executionId, nodeId)).find((a) => a.attempt === (req.id?.retryAttempt ?? 0));
  if (attempt === undefined) throw notFound(`${rpc}: node '${nodeId}' of execution '${executionId.replaceAll(":", "/")}' has no attempt ${req.id?.retryAttempt ?? 0}`);
  return { executionId, nodeId, templates, attempt };
}

/** GetTaskExecution: one attempt, with a link to its log. */
export async function getTaskExecution(ctx: ExecutionsContext, req: TaskExecutionGetRequest, handler: HandlerContext): Promise<TaskExecution> {
  const { executionId, templates, attempt } = await attemptRecord(ctx, req, "GetTaskExecution");
  return taskExecutionOf(ctx, handler, executionId, templates, attempt);
}

/** GetTaskExecutionData: the node's inputs and the attempt's outputs inline. */
export async function getTaskExecutionData(ctx: ExecutionsContext, req: TaskExecutionGetDataRequest): Promise<TaskExecutionGetDataResponse> {
  const { executionId, nodeId, attempt } = await attemptRecord(ctx, req, "GetTaskExecutionData");
  const node = await ctx.store.getNodeExecution(executionId, nodeId);
  let outputs: LiteralMap | undefined;
  // The worker's outcome, as the queue recorded it (no outputs.pb file per attempt).
  const queued = await ctx.queue.find(executionId, nodeId, attempt.attempt);
  const reported = queued?.result === undefined ? undefined : fromBinary(CompleteRequestSchema, queued.result).outcome;
  if (reported?.case === "outputs") outputs = reported.value;
  else if (attempt.phase === "SUCCEEDED" && node?.attempts === attempt.attempt + 1) outputs = node.outputs;
  return create(TaskExecutionGetDataResponseSchema, {
    ...(node?.inputs === undefined ? {} : { fullInputs: node.inputs }),
    ...(outputs === undefined ? {} : { fullOutputs: outputs }),
  });
}
