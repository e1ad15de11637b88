/**
 * WatchExecution: one execution and its nodes, streamed. The first response holds every node
 * (`full`); later ones hold the nodes whose phase, attempts or update time changed, and the item
 * counts of map nodes whose items moved. While the execution runs, that first response is split:
 * the execution alone (still `full`, no nodes), then every node (not `full`: added to it), so a
 * page can fetch the workflow while the server reads and encodes thousands of nodes. Map items are never listed one by one here: a 10,000-item
 * map is one node and one small histogram. A client that reconnects passes the last `cursor` and
 * gets the nodes updated since (a few it already has may come again; merging is idempotent).
 */
import { create } from "@bufbuild/protobuf";
import { WorkflowExecutionGetRequestSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import {
  MapItemSummarySchema,
  WatchExecutionResponseSchema,
  type MapItemSummary,
  type WatchExecutionRequest,
  type WatchExecutionResponse,
} from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import type { ARRAY_ITEM_PHASES } from "@flyte/engine/store";
import { notFound } from "../api/errors.ts";
import { executionKeyOf, nodePhaseOf } from "../executions/admin-messages.ts";
import { getExecution } from "../executions/execution-rpcs.ts";
import type { ExecutionsContext } from "../executions/executions-context.ts";
import { nodeExecutionOf, parentsOf } from "../executions/node-execution-rpcs.ts";
import type { StoredNodeExecution } from "../store/state-types.ts";
import { tick, WATCH_TICK_MS } from "./ticks.ts";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]);
/** How long a watch waits for an execution that was accepted but not yet recorded, in ticks. */
const MAX_WAIT_TICKS = 50;

function mapSummaryOf(node: StoredNodeExecution): MapItemSummary | undefined {
  const items = node.arrayItems;
  if (items === undefined) return undefined;
  const phases: Record<number, number> = {};
  for (const [phase, n] of Object.entries(items.phaseCounts)) {
    if (n !== undefined && n > 0) phases[nodePhaseOf(phase as (typeof ARRAY_ITEM_PHASES)[number])] = n;
  }
  return create(MapItemSummarySchema, { nodeId: node.nodeId, count: items.count, phases });
}

/** Streams the execution until it has ended and that was sent, or until `signal` aborts. */
export async function* watchExecution(ctx: ExecutionsContext, req: WatchExecutionRequest, signal: AbortSignal): AsyncGenerator<WatchExecutionResponse> {
  const executionId = executionKeyOf(req.id, "WatchExecution");
  const seen = new Map<string, string>();
  let cursor = Number(req.cursor);
  let full = cursor === 0;
  let sentExecution = "";
  for (let waited = 0; ; ) {
    // The summary, not the record: the record decodes the whole workflow closure (megabytes for
    // 5,000 nodes), and this runs every tick of every open page.
    const record = await ctx.store.getExecutionSummary(executionId);
    if (record === undefined) {
      // CreateExecution answers before the engine records the execution: wait for it a little.
      if (ctx.specs.get(executionId) === undefined || ++waited > MAX_WAIT_TICKS) {
        throw notFound(`WatchExecution: execution '${executionId.replaceAll(":", "/")}' does not exist; list executions with ListExecutions`);
      }
      if (!(await tick(WATCH_TICK_MS, signal))) return;
      continue;
    }
    if (full && cursor === 0 && !TERMINAL.has(record.phase)) {
      sentExecution = `${record.phase}:${record.updatedAt}`;
      yield create(WatchExecutionResponseSchema, { execution: await getExecution(ctx, create(WorkflowExecutionGetRequestSchema, { id: req.id })), cursor: 0n, full: true });
      full = false;
    }
    const nodes = await ctx.store.listNodeExecutions(executionId);
    const parents = parentsOf(nodes);
    const withChildren = new Set([...parents.values()].filter((p) => p !== undefined));
    const children = await ctx.store.listChildExecutionIds(executionId);
    const changed: NodeExecution[] = [];
    const mapItems: MapItemSummary[] = [];
    let newest = record.updatedAt;
    for (const node of nodes) {
      newest = Math.max(newest, node.updatedAt);
      const summary = mapSummaryOf(node);
      const fingerprint = `${node.phase}:${node.updatedAt}:${node.attempts}:${summary === undefined ? "" : JSON.stringify(summary.phases)}`;
      if (seen.get(node.nodeId) === fingerprint) continue;
      const isNew = !seen.has(node.nodeId);
      seen.set(node.nodeId, fingerprint);
      // On a resumed stream, the first look skips what the client had before its cursor.
      if (!full && isNew && node.updatedAt < cursor && summary === undefined) continue;
      const childId = `${executionId}-${node.nodeId}`;
      const child = node.attempts === 0 && children.has(childId) ? childId : undefined;
      changed.push(nodeExecutionOf(ctx, executionId, node, parents.get(node.nodeId), withChildren.has(node.nodeId), child));
      if (summary !== undefined) mapItems.push(summary);
    }
    const executionFingerprint = `${record.phase}:${record.updatedAt}`;
    if (full || changed.length > 0 || mapItems.length > 0 || executionFingerprint !== sentExecution) {
      sentExecution = executionFingerprint;
      cursor = Math.max(cursor, newest);
      const execution = await getExecution(ctx, create(WorkflowExecutionGetRequestSchema, { id: req.id }));
      yield create(WatchExecutionResponseSchema, { execution, nodeExecutions: changed, mapItems, cursor: BigInt(cursor), full });
      full = false;
    }
    if (TERMINAL.has(record.phase)) return;
    if (!(await tick(WATCH_TICK_MS, signal))) return;
  }
}
