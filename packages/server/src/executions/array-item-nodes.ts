/**
 * Map items as node and task executions for the read RPCs. The store keeps the items of an
 * array node as a compact summary on the array node (phase and attempt count per item); only
 * items that saw a failure get records of their own. ListNodeExecutions and ListTaskExecutions
 * present every started item as node `<map node>-<i>` with its attempts anyway, so clients (the
 * CLI's `get nodes`, `get logs --node n0-3`) see map items as Flyte shows them. Their logs exist:
 * every attempt's log is stored by node id and attempt, summarized or not.
 */
import { ARRAY_ITEM_PHASES } from "@flyte/engine/store";
import type { TaskExecutionPhase } from "@flyte/engine";
import type { StoredNodeExecution, StoredTaskExecution } from "../store/state-types.ts";

/** `nodes` plus a record for every started item that has none of its own. */
export function withArrayItems(nodes: readonly StoredNodeExecution[]): StoredNodeExecution[] {
  const ids = new Set(nodes.map((n) => n.nodeId));
  const out = [...nodes];
  for (const node of nodes) {
    const items = node.arrayItems;
    if (items === undefined) continue;
    for (let i = 0; i < items.count; i++) {
      const code = items.phases[i] ?? 0;
      const nodeId = `${node.nodeId}-${i}`;
      if (code === 0 || ids.has(nodeId)) continue; // not started, or recorded in full
      out.push({
        executionId: node.executionId,
        nodeId,
        phase: ARRAY_ITEM_PHASES[code] ?? "UNDEFINED",
        createdAt: node.createdAt,
        updatedAt: node.updatedAt,
        attempts: items.attempts[i] ?? 0,
        ...(node.startedAt === undefined ? {} : { startedAt: node.startedAt }),
        ...(node.endedAt === undefined ? {} : { endedAt: node.endedAt }),
      });
    }
  }
  return out;
}

const TASK_PHASE: Readonly<Record<string, TaskExecutionPhase>> = {
  QUEUED: "QUEUED",
  RUNNING: "RUNNING",
  SUCCEEDED: "SUCCEEDED",
  RECOVERED: "SUCCEEDED",
  ABORTED: "ABORTED",
  FAILED: "FAILED",
  TIMED_OUT: "FAILED",
};

/**
 * The attempts of a summarized item (`item` from {@link withArrayItems}): items in the summary
 * never failed, so every attempt but the last was retried and the last has the item's phase.
 */
export function itemAttempts(item: StoredNodeExecution): StoredTaskExecution[] {
  const out: StoredTaskExecution[] = [];
  for (let attempt = 0; attempt < item.attempts; attempt++) {
    const last = attempt === item.attempts - 1;
    out.push({
      executionId: item.executionId,
      nodeId: item.nodeId,
      taskName: "",
      attempt,
      phase: last ? (TASK_PHASE[item.phase] ?? "UNDEFINED") : "RETRYABLE_FAILED",
      startedAt: item.startedAt ?? item.createdAt,
      updatedAt: item.updatedAt,
      ...(last && item.endedAt !== undefined ? { endedAt: item.endedAt } : {}),
    });
  }
  return out;
}
