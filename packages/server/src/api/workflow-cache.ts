/**
 * Decoded workflows by identifier: the console asks for the same workflow on every execution
 * page of it (decoded-cache.ts).
 */
import type { Workflow } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { DecodedCache } from "./decoded-cache.ts";

/** A cache for one registry. */
export class WorkflowCache extends DecodedCache<Workflow> {}

const caches = new WeakMap<object, WorkflowCache>();

/** The cache of `registry` (one per server's registry). */
export function workflowCacheOf(registry: object): WorkflowCache {
  let cache = caches.get(registry);
  if (cache === undefined) caches.set(registry, (cache = new WorkflowCache()));
  return cache;
}
