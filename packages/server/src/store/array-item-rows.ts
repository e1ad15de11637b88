/**
 * Rows of `array_items`: the compact state of map items (phase code and attempts per item), folded
 * per `record` batch and written once per touched item. The state writer decides which item
 * events also need full node and attempt rows (items that saw a failure).
 */
import type { StatementSync } from "node:sqlite";
import type { ArrayItemRef, NodeExecutionEvent, TaskExecutionEvent } from "@flyte/engine";
import { MAX_ITEM_ATTEMPTS, arrayItemPhaseCode } from "@flyte/engine/store";

/** One array item's row, as the current batch changes it. */
export interface ItemState {
  readonly executionId: string;
  readonly arrayNodeId: string;
  readonly index: number;
  /** Phase code when a node event of the batch set it; otherwise the row keeps its phase. */
  phase?: number;
  attempts: number;
}

/** Inserts or updates one item row; attempts only grow, a missing phase keeps the stored one. */
export const UPSERT_ARRAY_ITEM = `INSERT INTO array_items (execution_id, node_id, item, phase, attempts)
  VALUES (:id, :node, :item, coalesce(:phase, 0), :attempts)
  ON CONFLICT (execution_id, node_id, item) DO UPDATE SET phase = coalesce(:phase, phase), attempts = max(attempts, :attempts)`;

/** Folds an item event into the batch's state of that item (`key` names the item). */
export function foldArrayItem(
  items: Map<string, ItemState>,
  key: string,
  event: NodeExecutionEvent | TaskExecutionEvent,
  ref: ArrayItemRef,
): void {
  let item = items.get(key);
  if (item === undefined) {
    item = { executionId: event.executionId, arrayNodeId: ref.arrayNodeId, index: ref.index, attempts: 0 };
    items.set(key, item);
  }
  if (event.kind === "node") item.phase = arrayItemPhaseCode(event.phase);
  else item.attempts = Math.max(item.attempts, Math.min(event.attempt + 1, MAX_ITEM_ATTEMPTS));
}

/** Writes the batch's item rows with the {@link UPSERT_ARRAY_ITEM} statement. */
export function writeArrayItems(upsert: StatementSync, items: ReadonlyMap<string, ItemState>): void {
  for (const item of items.values()) {
    upsert.run({ id: item.executionId, node: item.arrayNodeId, item: item.index, phase: item.phase ?? null, attempts: item.attempts });
  }
}
