/**
 * An execution page's header (GetExecution: phase, workflow, times), asked for once. The page
 * shows it, and fetches the workflow it names, before opening its stream: the stream's first
 * state carries every node record (thousands on a big workflow), which the graph does not need.
 * The entry asks as soon as it sees the URL (main.tsx), and the page takes that request over;
 * both take over the requests first-requests.ts sent before the bundle was evaluated, if any.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { ExecutionSchema, type Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { admin } from "./clients.ts";
import { fetchWorkflowById } from "./entities.ts";
import { takeExecutionRequests } from "./first-requests.ts";

/** Requests started by the entry or the page, by execution, until REUSE_MS after the page took them. */
const early = new Map<string, Promise<Execution>>();

function ask(project: string, domain: string, name: string): Promise<Execution> {
  const again = (): Promise<Execution> => admin.getExecution({ id: { project, domain, name } });
  const first = takeExecutionRequests(project, domain, name);
  // A failed first request is made again through the client, whose error says what went wrong.
  const header = first === undefined ? again() : first.execution.then((bytes) => fromBinary(ExecutionSchema, bytes), again);
  // The workflow is asked for as soon as the header names it, not after the page rendered.
  header.then((e) => {
    const workflowId = e.closure?.workflowId;
    if (workflowId !== undefined) fetchWorkflowById(workflowId, first?.workflow).catch(() => undefined);
  }, () => undefined);
  return header;
}

/**
 * How long a request, once taken, is still handed to the same execution's page. React may run a
 * page's first render more than once before committing it (each run asks for the header); later
 * visits ask anew, for a fresh header.
 */
const REUSE_MS = 5000;

/** Starts asking for the execution's header ahead of the page's render. */
export function prefetchExecutionHeader(project: string, domain: string, name: string): void {
  const key = `${project}/${domain}/${name}`;
  if (!early.has(key)) early.set(key, ask(project, domain, name));
}

/** The execution's header: the entry's request if it made one (shortly reused), else a new one. */
export function executionHeader(project: string, domain: string, name: string): Promise<Execution> {
  const key = `${project}/${domain}/${name}`;
  let found = early.get(key);
  if (found === undefined) {
    found = ask(project, domain, name);
    early.set(key, found);
  }
  const taken = found;
  setTimeout(() => {
    if (early.get(key) === taken) early.delete(key);
  }, REUSE_MS);
  return taken;
}
