/**
 * WatchExecutions: one page of a project/domain's executions, sent when it changes. The stream
 * looks at the store every tick and sends the page again only when an execution on it appeared,
 * changed phase or was updated, so an idle list costs one indexed query per tick and no traffic.
 */
import { create } from "@bufbuild/protobuf";
import { ResourceListRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WatchExecutionsResponseSchema, type WatchExecutionsRequest, type WatchExecutionsResponse } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { invalidArgument } from "../api/errors.ts";
import { listExecutions } from "../executions/execution-rpcs.ts";
import type { ExecutionsContext } from "../executions/executions-context.ts";
import { parseExecutionFilters, type ExecutionFilters } from "./execution-filters.ts";
import { tick, WATCH_TICK_MS } from "./ticks.ts";

/** Executions looked at, at most, to fill a page when filters other than phase are set. */
export const MAX_SCANNED = 20_000;

function list(ctx: ExecutionsContext, req: WatchExecutionsRequest, phaseFilter: string, limit: number, token: string) {
  return listExecutions(ctx, create(ResourceListRequestSchema, { id: { project: req.project, domain: req.domain }, filters: phaseFilter, limit, token }));
}

/**
 * The page the request asks for. With filters the store cannot apply, pages of the store are
 * scanned (newest first) and the token counts matching executions to skip.
 */
async function pageOf(ctx: ExecutionsContext, req: WatchExecutionsRequest, filters: ExecutionFilters, limit: number): Promise<{ executions: Execution[]; token: string }> {
  if (!filters.scans) {
    const page = await list(ctx, req, filters.phaseFilter, limit, req.token);
    return { executions: page.executions, token: page.token };
  }
  if (req.token !== "" && !/^\d+$/.test(req.token)) throw invalidArgument(`WatchExecutions: invalid page token '${req.token}'; pass the token of the previous response, or "" for the first page`);
  const skip = req.token === "" ? 0 : Number(req.token);
  const out: Execution[] = [];
  let matched = 0;
  let scanned = 0;
  let token = "";
  do {
    const page = await list(ctx, req, filters.phaseFilter, 500, token);
    for (const e of page.executions) {
      if (!filters.matches(e)) continue;
      if (matched++ >= skip) out.push(e);
      if (out.length > limit) return { executions: out.slice(0, limit), token: String(skip + limit) };
    }
    scanned += page.executions.length;
    token = page.token;
  } while (token !== "" && scanned < MAX_SCANNED);
  return { executions: out, token: "" };
}

/** What makes a page different to a viewer: the executions, their phases and update times. */
function fingerprintOf(executions: readonly Execution[], token: string): string {
  const parts = executions.map((e) => `${e.id?.name ?? ""}:${e.closure?.phase ?? 0}:${e.closure?.updatedAt?.seconds ?? 0}.${e.closure?.updatedAt?.nanos ?? 0}`);
  return `${parts.join(",")}|${token}`;
}

/** Streams the requested page, again whenever it changes, until `signal` aborts. */
export async function* watchExecutions(ctx: ExecutionsContext, req: WatchExecutionsRequest, signal: AbortSignal): AsyncGenerator<WatchExecutionsResponse> {
  if (req.project === "" || req.domain === "") throw invalidArgument("WatchExecutions needs a project and a domain (e.g. flytesnacks / development)");
  const filters = parseExecutionFilters(req.filters);
  const limit = req.limit === 0 ? 50 : Math.min(req.limit, 500);
  let sent: string | undefined;
  do {
    const page = await pageOf(ctx, req, filters, limit);
    const fingerprint = fingerprintOf(page.executions, page.token);
    if (fingerprint !== sent) {
      sent = fingerprint;
      yield create(WatchExecutionsResponseSchema, page);
    }
  } while (await tick(WATCH_TICK_MS, signal));
}
