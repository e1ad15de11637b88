/**
 * Compiled dynamic workflows by the attempt that returned them. An attempt's recorded result never
 * changes (a completion is recorded once), so the workflow compiled from it is kept under the
 * attempt's identity — execution, node, attempt number — and a console that asks for a dynamic
 * node's workflow again (each panel opened, each expand) gets it without the queue reads, the
 * decode and the compile. Least recently used first out, bounded by the encoded size of the
 * records each was compiled from.
 */
import type { DynamicWorkflowNodeMetadata } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { DecodedCache } from "../api/decoded-cache.ts";

/** Encoded bytes (assignment and result) behind the workflows kept, at most. */
export const DYNAMIC_CACHE_MAX_BYTES = 16 * 1024 * 1024;

/** The key of an attempt: it names one recorded result, forever. */
export function attemptKey(executionId: string, nodeId: string, attempt: number): string {
  return `${executionId}\u0000${nodeId}\u0000${attempt}`;
}

/** A cache for one server's queue: {@link DecodedCache}'s bounded LRU, keyed by {@link attemptKey}. */
export class DynamicWorkflowCache extends DecodedCache<DynamicWorkflowNodeMetadata> {
  /** @param maxBytes bound on the kept entries' `bytes`; @default DYNAMIC_CACHE_MAX_BYTES */
  constructor(maxBytes = DYNAMIC_CACHE_MAX_BYTES) {
    super(maxBytes);
  }
}

const caches = new WeakMap<object, DynamicWorkflowCache>();

/** The cache of `queue` (one per server's attempt queue, whose records the workflows come from). */
export function dynamicWorkflowCacheOf(queue: object): DynamicWorkflowCache {
  let cache = caches.get(queue);
  if (cache === undefined) caches.set(queue, (cache = new DynamicWorkflowCache()));
  return cache;
}
