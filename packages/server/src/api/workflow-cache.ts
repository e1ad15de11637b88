/**
 * Workflow versions' `GetWorkflow` answers by identifier, encoded and decoded: the console asks
 * for the same workflow on every execution page of it (decoded-cache.ts). The direct paths send
 * the encoded answer; the router (gRPC-web, Connect JSON) and the HTTP gateway take the message.
 */
import type { Workflow } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { DecodedCache } from "./decoded-cache.ts";
import type { EncodedAnswer } from "./encoded-answer.ts";

/** The caches of one registry. */
export interface WorkflowCache {
  /** Encoded answers, each counted twice its size (for its gzip form, made on demand). */
  readonly answers: DecodedCache<EncodedAnswer>;
  /** The answers decoded. */
  readonly messages: DecodedCache<Workflow>;
}

const caches = new WeakMap<object, WorkflowCache>();

/** The caches of `registry` (one per server's registry). */
export function workflowCacheOf(registry: object): WorkflowCache {
  let cache = caches.get(registry);
  if (cache === undefined) caches.set(registry, (cache = { answers: new DecodedCache(), messages: new DecodedCache() }));
  return cache;
}
