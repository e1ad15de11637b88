/**
 * Compiled dynamic workflows by the attempt that returned them. An attempt's recorded result never
 * changes (a completion is recorded once), so the workflow compiled from it is kept under the
 * attempt's identity — execution, node, attempt number — and a console that asks for a dynamic
 * node's workflow again (each panel opened, each expand) gets it without the queue reads, the
 * decode and the compile. Least recently used first out, bounded by the encoded size of the
 * records each was compiled from.
 */
import type { DynamicWorkflowNodeMetadata } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";

/** Encoded bytes (assignment and result) behind the workflows kept, at most. */
export const DYNAMIC_CACHE_MAX_BYTES = 16 * 1024 * 1024;

/** The key of an attempt: it names one recorded result, forever. */
export function attemptKey(executionId: string, nodeId: string, attempt: number): string {
  return `${executionId}\u0000${nodeId}\u0000${attempt}`;
}

/** A cache for one server's queue. */
export class DynamicWorkflowCache {
  readonly #entries = new Map<string, { workflow: DynamicWorkflowNodeMetadata; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** @param maxBytes bound on the kept entries' `bytes`; @default DYNAMIC_CACHE_MAX_BYTES */
  constructor(maxBytes = DYNAMIC_CACHE_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** How many workflows are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The workflow kept under `key`, now the most recently used; undefined if none. */
  get(key: string): DynamicWorkflowNodeMetadata | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.workflow;
  }

  /** Keeps `workflow` under `key` (`bytes`: the size of what it was compiled from), dropping the least recently used beyond the bound. */
  set(key: string, workflow: DynamicWorkflowNodeMetadata, bytes: number): void {
    if (bytes > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    this.#entries.set(key, { workflow, bytes });
    this.#bytes += bytes;
    for (const [k, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= entry.bytes;
    }
  }
}

const caches = new WeakMap<object, DynamicWorkflowCache>();

/** The cache of `queue` (one per server's attempt queue, whose records the workflows come from). */
export function dynamicWorkflowCacheOf(queue: object): DynamicWorkflowCache {
  let cache = caches.get(queue);
  if (cache === undefined) caches.set(queue, (cache = new DynamicWorkflowCache()));
  return cache;
}
