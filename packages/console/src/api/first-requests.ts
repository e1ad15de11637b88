/**
 * An execution page's first two requests — the execution (GetExecution) and the workflow it
 * names (GetWorkflow) — sent before the rest of the main bundle is evaluated.
 *
 * Evaluating the bundle boots flyteidl's descriptors with protobuf-es (hundreds of milliseconds
 * on a busy machine, in one task), and the page can ask nothing through its Connect clients
 * before that. These two requests do not need the descriptors (first-requests-wire.ts): the
 * execution's leaves at once, and the workflow's as soon as the main thread sees the execution's
 * answer. The page decodes the answers when it takes them (execution-header.ts, entities.ts); a
 * failure leaves the page to ask again through its own clients, which say what went wrong.
 *
 * (Sending both from a Web Worker, so that the workflow's request would not wait for the main
 * thread, was tried: on the busy development machine the worker started so late that its first
 * request left after the bundle had been evaluated and rendered.)
 *
 * This module is the entry's first import (main.tsx) and starts its requests when evaluated.
 */
import { adminUnary, executionRequestBytes, objectRequestBytes, workflowIdBytes } from "./first-requests-wire.ts";

/** The two answers as they came, not decoded. */
export interface FirstExecutionRequests {
  /** The encoded `flyteidl.admin.Execution`. */
  readonly execution: Promise<Uint8Array>;
  /** The encoded `flyteidl.admin.Workflow` the execution names (undefined when it names none). */
  readonly workflow: Promise<Uint8Array | undefined>;
}

/** Requests started for an execution page, by `project/domain/name`, until the page takes them. */
const started = new Map<string, FirstExecutionRequests>();

/** Starts an execution page's two requests (once per execution). */
export function startExecutionRequests(project: string, domain: string, name: string): void {
  const key = `${project}/${domain}/${name}`;
  if (started.has(key)) return;
  const origin = window.location.origin;
  const execution = adminUnary(origin, "GetExecution", executionRequestBytes(project, domain, name)).then((b) => new Uint8Array(b));
  const workflow = execution.then(async (bytes) => {
    const id = workflowIdBytes(bytes);
    return id === undefined ? undefined : new Uint8Array(await adminUnary(origin, "GetWorkflow", objectRequestBytes(id)));
  });
  // Whoever takes them handles their failures; untaken, they are nobody's concern.
  execution.catch(() => undefined);
  workflow.catch(() => undefined);
  started.set(key, { execution, workflow });
}

/** The requests started for this execution, if any (once: the page that takes them owns them). */
export function takeExecutionRequests(project: string, domain: string, name: string): FirstExecutionRequests | undefined {
  const key = `${project}/${domain}/${name}`;
  const found = started.get(key);
  started.delete(key);
  return found;
}

/** The execution page's URL: `/console/projects/P/domains/D/executions/NAME`. */
const EXECUTION_PATH = /^\/console\/projects\/([^/]+)\/domains\/([^/]+)\/executions\/([^/]+)\/?$/;

/** Starts the requests the page at `pathname` needs first, if it is an execution's page. */
export function startFirstRequestsFor(pathname: string): void {
  const m = EXECUTION_PATH.exec(pathname);
  if (m === null) return;
  const d = decodeURIComponent;
  startExecutionRequests(d(m[1] ?? ""), d(m[2] ?? ""), d(m[3] ?? ""));
}

// Evaluated first of the entry's imports, before flyteidl's descriptors (see above).
startFirstRequestsFor(window.location.pathname);
