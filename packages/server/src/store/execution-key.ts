/**
 * The engine knows an execution by one string; the API by Flyte's (project, domain, name). The
 * server joins them as `project:domain:name` — `:` appears in none of the three (names match
 * `^[a-z][a-z\-0-9]*$`) — so the store can index by project and domain and lay out blobs the way
 * Flyte does, without the engine knowing about tenancy.
 */
import type { ExecutionIdentity } from "../blob/blob-layout.ts";

/**
 * The engine-facing execution id of a Flyte execution.
 *
 * @example
 * executionKey({ project: "flytesnacks", domain: "development", name: "a1b2" }) // "flytesnacks:development:a1b2"
 */
export function executionKey(identity: ExecutionIdentity): string {
  for (const [field, value] of Object.entries(identity)) {
    if (typeof value !== "string" || value === "" || value.includes(":")) {
      throw new RangeError(`Execution ${field} ${JSON.stringify(value)} must be a non-empty string without ':'.`);
    }
  }
  return `${identity.project}:${identity.domain}:${identity.name}`;
}

/**
 * The (project, domain, name) of an execution id made by {@link executionKey}. Any other id (a
 * local run's, a test's) reads as project `""`, domain `""`, name = the id.
 */
export function parseExecutionKey(executionId: string): ExecutionIdentity {
  const parts = executionId.split(":");
  if (parts.length === 3 && parts.every((part) => part !== "")) {
    return { project: parts[0] as string, domain: parts[1] as string, name: parts[2] as string };
  }
  return { project: "", domain: "", name: executionId };
}
