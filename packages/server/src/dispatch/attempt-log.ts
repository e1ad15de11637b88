/**
 * An attempt's log (what the task printed: streamed by the worker with `AppendLog` while it runs,
 * then sent whole in `Complete`) lives in the attempt's queue row; the HTTP path that serves it is
 * `GET /logs/<project>/<domain>/<name>/<node>/<attempt>`, and its place in Flyte's blob layout
 * (`.../data/<attempt>/task.log`) is kept for tools that name it.
 */
import type { ExecutionIdentity } from "../blob/blob-layout.ts";
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

/** What a log URL path names: an attempt of a node of an execution. */
export interface LogAddress {
  readonly execution: ExecutionIdentity;
  readonly nodeId: string;
  readonly attempt: number;
}

/** The attempt a log URL path names, or undefined when the path is not one. */
export function parseLogUrlPath(pathname: string): LogAddress | undefined {
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
  const address = { execution: { project, domain, name }, nodeId, attempt: Number(attempt) };
  try {
    // The same checks as the layout's paths (no '..', no separators in a segment).
    attemptLogPath(address.execution, nodeId, address.attempt);
  } catch {
    return undefined;
  }
  return address;
}

/** The blob path of a log URL path (Flyte's layout), or undefined when the path is not one. */
export function logBlobPathOf(pathname: string): string | undefined {
  const address = parseLogUrlPath(pathname);
  return address === undefined ? undefined : attemptLogPath(address.execution, address.nodeId, address.attempt);
}

/**
 * The log after a chunk of `text` written at `offset`: a chunk sent again overwrites itself; a
 * chunk after a gap (a lost chunk) is kept after a marker.
 */
export function spliceLog(existing: string, offset: number, text: string): string {
  return offset <= existing.length ? existing.slice(0, offset) + text : `${existing}\n[${offset - existing.length} characters of output lost]\n${text}`;
}
