/**
 * An execution page's first two requests — the execution (GetExecution) and the workflow it
 * names (GetWorkflow) — sent before the rest of the main bundle is evaluated.
 *
 * Evaluating the bundle boots flyteidl's descriptors with protobuf-es (hundreds of milliseconds
 * on a busy machine, in one task), and the page can ask nothing through its Connect clients
 * before that. These two requests do not need the descriptors (first-requests-wire.ts), and they
 * are sent from a Web Worker, so that the workflow's request leaves as soon as the execution's
 * answer comes, not once the main thread is free again. The page decodes the answers when it
 * takes them (execution-header.ts, entities.ts); a failure leaves the page to ask again through
 * its own clients, which say what went wrong.
 *
 * This module is the entry's first import (main.tsx) and starts its requests when evaluated.
 */
import type { FirstRequestsAnswer, FirstRequestsAsk } from "./first-requests.worker.ts";

/** The two answers as they came, not decoded. */
export interface FirstExecutionRequests {
  /** The encoded `flyteidl.admin.Execution`. */
  readonly execution: Promise<Uint8Array>;
  /** The encoded `flyteidl.admin.Workflow` the execution names (undefined when it names none). */
  readonly workflow: Promise<Uint8Array | undefined>;
}

/** Requests started for an execution page, by `project/domain/name`, until the page takes them. */
const started = new Map<string, FirstExecutionRequests>();

/** Starts an execution page's two requests (once per execution) in a worker of their own. */
export function startExecutionRequests(project: string, domain: string, name: string): void {
  const key = `${project}/${domain}/${name}`;
  if (started.has(key)) return;
  const execution = Promise.withResolvers<Uint8Array>();
  const workflow = Promise.withResolvers<Uint8Array | undefined>();
  const worker = new Worker(new URL("./first-requests.worker.ts", import.meta.url), { type: "module" });
  const fail = (why: string): void => {
    execution.reject(new Error(why));
    workflow.reject(new Error(why));
    worker.terminate();
  };
  worker.onmessage = (e: MessageEvent<FirstRequestsAnswer>) => {
    const answer = e.data;
    if ("execution" in answer) execution.resolve(new Uint8Array(answer.execution));
    else if ("workflow" in answer) {
      workflow.resolve(answer.workflow === undefined ? undefined : new Uint8Array(answer.workflow));
      worker.terminate();
    } else fail(answer.failed);
  };
  worker.onerror = () => fail("the first requests' worker failed");
  // Whoever takes them handles their failures; untaken, they are nobody's concern.
  execution.promise.catch(() => undefined);
  workflow.promise.catch(() => undefined);
  started.set(key, { execution: execution.promise, workflow: workflow.promise });
  const ask: FirstRequestsAsk = { project, domain, name };
  worker.postMessage(ask);
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
