/**
 * An execution page's header (GetExecution: phase, workflow, times), asked for once. The page
 * shows it, and fetches the workflow it names, before opening its stream: the stream's first
 * state carries every node record (thousands on a big workflow), which the graph does not need.
 * The entry asks as soon as it sees the URL (main.tsx), and the page takes that request over.
 */
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { admin } from "./clients.ts";
import { fetchWorkflowById } from "./entities.ts";

/** Requests started by the entry, not yet taken by the page. */
const early = new Map<string, Promise<Execution>>();

function ask(project: string, domain: string, name: string): Promise<Execution> {
  const header = admin.getExecution({ id: { project, domain, name } });
  // The workflow is asked for as soon as the header names it, not after the page rendered.
  header.then((e) => {
    const workflowId = e.closure?.workflowId;
    if (workflowId !== undefined) fetchWorkflowById(workflowId).catch(() => undefined);
  }, () => undefined);
  return header;
}

/** Starts asking for the execution's header ahead of the page's render. */
export function prefetchExecutionHeader(project: string, domain: string, name: string): void {
  const key = `${project}/${domain}/${name}`;
  if (!early.has(key)) early.set(key, ask(project, domain, name));
}

/** The execution's header: the entry's request if it made one (once), else a new one. */
export function executionHeader(project: string, domain: string, name: string): Promise<Execution> {
  const key = `${project}/${domain}/${name}`;
  const found = early.get(key);
  early.delete(key);
  return found ?? ask(project, domain, name);
}
