/**
 * Where an attempt's log (what the task printed: streamed by the worker with `AppendLog` while
 * it runs, then sent whole in `Complete`) is kept, and the HTTP path that serves it:
 * `GET /logs/<project>/<domain>/<name>/<node>/<attempt>`.
 */
import type { ExecutionIdentity } from "../blob/blob-layout.ts";
import { isBlobError, type BlobStore } from "../blob/blob-store.ts";
import { nodeDataDir } from "../blob/blob-layout.ts";

/** URL path prefix of attempt logs. */
export const LOGS_PREFIX = "/logs/";

/** `.../<node>/data/<attempt>/task.log`. */
export function attemptLogPath(execution: ExecutionIdentity, nodeId: string, attempt: number): string {
  return `${nodeDataDir(execution, nodeId)}/${attempt}/task.log`;
}

/** The URL path of an attempt's log. */
export function attemptLogUrlPath(execution: ExecutionIdentity, nodeId: string, attempt: number): string {
  return `${LOGS_PREFIX}${[execution.project, execution.domain, execution.name, nodeId, String(attempt)].map(encodeURIComponent).join("/")}`;
}

/** The blob path of a log URL path, or undefined when the path is not one. */
export function logBlobPathOf(pathname: string): string | undefined {
  if (!pathname.startsWith(LOGS_PREFIX)) return undefined;
  const parts = pathname.slice(LOGS_PREFIX.length).split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return "";
    }
  });
  if (parts.length !== 5 || parts.some((p) => p === "")) return undefined;
  const [project, domain, name, nodeId, attempt] = parts as [string, string, string, string, string];
  if (!/^\d+$/.test(attempt)) return undefined;
  try {
    return attemptLogPath({ project, domain, name }, nodeId, Number(attempt));
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` at `offset` of the log at `path`: a chunk sent again overwrites itself; a chunk
 * after a gap (a lost chunk) is kept after a marker.
 */
export async function appendToLog(blobs: BlobStore, path: string, offset: number, text: string): Promise<void> {
  let existing = "";
  try {
    existing = new TextDecoder().decode(await blobs.get(path));
  } catch (error) {
    if (!isBlobError(error)) throw error;
  }
  const next = offset <= existing.length ? existing.slice(0, offset) + text : `${existing}\n[${offset - existing.length} characters of output lost]\n${text}`;
  await blobs.put(path, new TextEncoder().encode(next));
}
