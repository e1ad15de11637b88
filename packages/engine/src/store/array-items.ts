/**
 * Compact state of an array node's items (Flyte's ArrayNode MINIMAL_STATE): one byte of phase and
 * two bytes of attempt count per item, instead of a node record and an attempt record per item.
 * Shared by the engine (the array node's own state) and every store (the summary on the array
 * node's record), so they agree on phase codes and on which items keep a full record.
 */
import type { NodeExecutionEvent, TaskExecutionEvent } from "../runtime/events.ts";
import type { NodeExecutionPhase } from "../runtime/phases.ts";
import type { Draft } from "./event-fold.ts";
import type { NodeExecutionRecord } from "./state-store.ts";

/**
 * Item phases by code: `phases[i]` of a summary is an index into this list. UNDEFINED is 0, so a
 * fresh `Uint8Array` reads as "not started". Append only: codes are stored.
 */
export const ARRAY_ITEM_PHASES: readonly NodeExecutionPhase[] = [
  "UNDEFINED",
  "QUEUED",
  "RUNNING",
  "SUCCEEDED",
  "FAILING",
  "FAILED",
  "ABORTED",
  "SKIPPED",
  "TIMED_OUT",
  "DYNAMIC_RUNNING",
  "RECOVERED",
];

const CODES: ReadonlyMap<NodeExecutionPhase, number> = new Map(ARRAY_ITEM_PHASES.map((phase, code) => [phase, code]));

/** Largest attempt count a summary holds; more attempts read as this many. */
export const MAX_ITEM_ATTEMPTS = 0xffff;

/** The code of an item phase (see {@link ARRAY_ITEM_PHASES}). */
export function arrayItemPhaseCode(phase: NodeExecutionPhase): number {
  return CODES.get(phase) ?? 0;
}

/** The items of an array node, as a store reports them on the array node's record. */
export interface ArrayItemsSummary {
  /** Number of items. */
  readonly count: number;
  /** Per item, its phase code (an index into {@link ARRAY_ITEM_PHASES}); 0 = not started. */
  readonly phases: Uint8Array;
  /** Per item, attempts started (saturating at {@link MAX_ITEM_ATTEMPTS}). */
  readonly attempts: Uint16Array;
  /** Items per phase; phases no item is in are absent. Not-started items count as UNDEFINED. */
  readonly phaseCounts: Readonly<Partial<Record<NodeExecutionPhase, number>>>;
}

/** Mutable per-item state a store keeps for one array node. */
export interface ArrayItemsDraft {
  readonly count: number;
  readonly phases: Uint8Array;
  readonly attempts: Uint16Array;
}

/** Fresh state for `count` items, none started. */
export function newArrayItems(count: number): ArrayItemsDraft {
  return { count, phases: new Uint8Array(count), attempts: new Uint16Array(count) };
}

/** Applies an item's node event (phase) or task event (attempt count) to the state. */
export function applyArrayItemEvent(items: ArrayItemsDraft, event: NodeExecutionEvent | TaskExecutionEvent, index: number): void {
  if (event.kind === "node") {
    items.phases[index] = arrayItemPhaseCode(event.phase);
    return;
  }
  const attempts = Math.min(event.attempt + 1, MAX_ITEM_ATTEMPTS);
  if (attempts > (items.attempts[index] ?? 0)) items.attempts[index] = attempts;
}

/** A copy of the state, with the counts per phase, for a read. */
export function summarizeArrayItems(items: ArrayItemsDraft): ArrayItemsSummary {
  const tally = new Uint32Array(ARRAY_ITEM_PHASES.length);
  const phases = items.phases;
  for (let i = 0; i < phases.length; i++) tally[phases[i] as number]!++;
  const phaseCounts: Partial<Record<NodeExecutionPhase, number>> = {};
  tally.forEach((n, code) => {
    if (n > 0) phaseCounts[ARRAY_ITEM_PHASES[code] as NodeExecutionPhase] = n;
  });
  return { count: items.count, phases: phases.slice(), attempts: items.attempts.slice(), phaseCounts };
}

/**
 * Whether an item event starts a full record of the item (node record, attempt records): it
 * reports a failure. Items that never fail live only in the summary; an item that failed once
 * keeps a full record from then on (later attempts included), so it stays diagnosable by index.
 */
export function startsFullItemRecord(event: NodeExecutionEvent | TaskExecutionEvent): boolean {
  if (event.error !== undefined) return true;
  return event.kind === "node"
    ? event.phase === "FAILED" || event.phase === "TIMED_OUT"
    : event.phase === "FAILED" || event.phase === "RETRYABLE_FAILED";
}

/**
 * The node record an item's full record starts from when its first failure is an attempt event:
 * the item is RUNNING (attempts only run while their item does) since that event.
 */
export function itemNodeStub(event: TaskExecutionEvent): Draft<NodeExecutionRecord> {
  return {
    executionId: event.executionId,
    nodeId: event.nodeId,
    phase: "RUNNING",
    createdAt: event.occurredAt,
    startedAt: event.occurredAt,
    updatedAt: event.occurredAt,
    attempts: 0,
  };
}
