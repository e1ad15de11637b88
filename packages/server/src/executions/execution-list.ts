/**
 * ListExecutions: a project/domain's executions, newest first, a page at a time, with the filters
 * of FlyteAdmin's grammar the console uses (`executions/execution-filters.ts`). WatchExecutions
 * sends the same pages, so a console that falls back to polling shows the same list.
 */
import { create } from "@bufbuild/protobuf";
import type { ResourceListRequest } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { ExecutionListSchema, type Execution, type ExecutionList } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import type { WorkflowExecutionPhase } from "@flyte/engine";
import { invalidArgument } from "../api/errors.ts";
import { requireScope } from "../api/validate.ts";
import { parseExecutionFilters } from "./execution-filters.ts";
import { executionOf, specViewOf } from "./execution-view.ts";
import type { ExecutionsContext } from "./executions-context.ts";

/** Executions looked at, at most, to fill a page when filters other than phase are set. */
export const MAX_SCANNED = 20_000;
/** Executions read from the store at a time while scanning. */
const SCAN_PAGE = 500;

const PHASE_FILTER = /^(eq|value_in)\(phase,([A-Z_;]+)\)$/;

interface StorePageRequest {
  readonly project: string;
  readonly domain: string;
  /** `eq(phase,X)` / `value_in(phase,X;Y)`, or "". */
  readonly phaseFilter: string;
  readonly limit: number;
  readonly token: string;
}

/** One page as the store keeps it (indexed by phase); `token` is the store's keyset token. */
async function storePage(ctx: ExecutionsContext, req: StorePageRequest, rpc: string): Promise<{ executions: Execution[]; token: string }> {
  const match = PHASE_FILTER.exec(req.phaseFilter);
  const phases = match === null ? undefined : ((match[2] as string).split(";") as WorkflowExecutionPhase[]);
  if (req.token !== "" && !/^\d+\.\d+$/.test(req.token)) throw invalidArgument(`${rpc}: invalid page token '${req.token}'; pass the token of the previous page, or "" for the first`);
  const page = await ctx.store.listExecutions({
    project: req.project,
    domain: req.domain,
    limit: req.limit,
    ...(phases === undefined ? {} : { phases }),
    ...(req.token === "" ? {} : { pageToken: req.token }),
  });
  const now = ctx.now();
  const executions = await Promise.all(page.executions.map(async (summary) => executionOf(summary, await specViewOf(ctx, summary.executionId), now)));
  return { executions, token: page.nextPageToken ?? "" };
}

/** A page of executions as ListExecutions and WatchExecutions serve it. */
export interface ExecutionsPageRequest {
  readonly project: string;
  readonly domain: string;
  readonly filters: string;
  readonly limit: number;
  /** The previous page's token, or "" for the first. */
  readonly token: string;
}

/**
 * The page `req` asks for. Phase filters page through the store's index; with other filters,
 * pages of the store are scanned (newest first, MAX_SCANNED executions at most) and the token
 * counts the matching executions to skip.
 */
export async function executionsPage(ctx: ExecutionsContext, req: ExecutionsPageRequest, rpc: string): Promise<{ executions: Execution[]; token: string }> {
  const filters = parseExecutionFilters(req.filters, rpc);
  const scope = { project: req.project, domain: req.domain, phaseFilter: filters.phaseFilter };
  if (!filters.scans) return storePage(ctx, { ...scope, limit: req.limit, token: req.token }, rpc);
  if (req.token !== "" && !/^\d+$/.test(req.token)) throw invalidArgument(`${rpc}: invalid page token '${req.token}'; pass the token of the previous page, or "" for the first`);
  const skip = req.token === "" ? 0 : Number(req.token);
  const out: Execution[] = [];
  let matched = 0;
  let scanned = 0;
  let token = "";
  do {
    const page = await storePage(ctx, { ...scope, limit: SCAN_PAGE, token }, rpc);
    for (const e of page.executions) {
      if (!filters.matches(e)) continue;
      if (matched++ >= skip) out.push(e);
      if (out.length > req.limit) return { executions: out.slice(0, req.limit), token: String(skip + req.limit) };
    }
    scanned += page.executions.length;
    token = page.token;
  } while (token !== "" && scanned < MAX_SCANNED);
  return { executions: out, token: "" };
}

/** ListExecutions: newest first, paged with `token`, filtered with the grammar of {@link executionsPage}. */
export async function listExecutions(ctx: ExecutionsContext, req: ResourceListRequest): Promise<ExecutionList> {
  const project = req.id?.project ?? "";
  const domain = req.id?.domain ?? "";
  requireScope(project, domain, "ListExecutions");
  const limit = req.limit === 0 ? 100 : Math.min(req.limit, 1000);
  const page = await executionsPage(ctx, { project, domain, filters: req.filters, limit, token: req.token }, "ListExecutions");
  return create(ExecutionListSchema, page);
}
