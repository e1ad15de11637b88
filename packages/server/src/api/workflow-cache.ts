/**
 * Decoded workflows by identifier. A registered workflow version never changes, and decoding a
 * big one (a 5,000-node closure is megabytes) takes hundreds of milliseconds, while the console
 * asks for the same workflow on every execution page of it. Least recently used first out, bounded
 * by the encoded size of what is kept.
 */
import type { Workflow } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";

/** Encoded bytes of the workflows kept, at most (decoded, they take several times more). */
const MAX_BYTES = 16 * 1024 * 1024;

/** A cache for one registry. */
export class WorkflowCache {
  readonly #entries = new Map<string, { workflow: Workflow; bytes: number }>();
  #bytes = 0;

  /** The workflow under `key`, decoding and keeping it (`bytes`: its encoded size) when absent. */
  get(key: string, bytes: number, decode: () => Workflow): Workflow {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.workflow;
    }
    const workflow = decode();
    if (bytes > MAX_BYTES) return workflow;
    this.#entries.set(key, { workflow, bytes });
    this.#bytes += bytes;
    for (const [old, entry] of this.#entries) {
      if (this.#bytes <= MAX_BYTES) break;
      this.#entries.delete(old);
      this.#bytes -= entry.bytes;
    }
    return workflow;
  }
}

const caches = new WeakMap<object, WorkflowCache>();

/** The cache of `registry` (one per server's registry). */
export function workflowCacheOf(registry: object): WorkflowCache {
  let cache = caches.get(registry);
  if (cache === undefined) caches.set(registry, (cache = new WorkflowCache()));
  return cache;
}
