/**
 * The watch requests of the live pages and the keys of their streams, built from the URL in one
 * place, so the entry's early streams (early-streams.ts) are exactly the ones the pages open.
 */
import { create } from "@bufbuild/protobuf";
import { WatchExecutionRequestSchema, WatchExecutionsRequestSchema, type WatchExecutionRequest, type WatchExecutionsRequest } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { filtersFromParams, serverFilters } from "../lib/execution-filters.ts";
import { DEFAULT_DOMAIN } from "../lib/scope.ts";
import { watch } from "./clients.ts";
import { openEarly } from "./early-streams.ts";
import { prefetchExecutionHeader } from "./execution-header.ts";

/** Executions a page of the list holds. */
export const EXECUTIONS_PAGE_SIZE = 50;

/** The executions list's request for a project, domain and the URL's filters and page. */
export function executionsWatch(project: string, domain: string, params: URLSearchParams): { key: string; filters: string; token: string; request: WatchExecutionsRequest } {
  const filters = serverFilters(filtersFromParams(params));
  const token = params.get("page") ?? "";
  return {
    key: `${project}/${domain}?${filters}&${token}`,
    filters,
    token,
    request: create(WatchExecutionsRequestSchema, { project, domain, filters, limit: EXECUTIONS_PAGE_SIZE, token }),
  };
}

/** An execution page's stream key. */
export function executionWatchKey(project: string, domain: string, name: string): string {
  return `${project}/${domain}/${name}`;
}

/** An execution page's request, from `cursor` (0 for everything). */
export function executionWatch(project: string, domain: string, name: string, cursor: bigint): WatchExecutionRequest {
  return create(WatchExecutionRequestSchema, { id: { project, domain, name }, cursor });
}

/**
 * Starts what the page at `pathname` (under /console) and `search` needs first: the executions
 * list's stream, or an execution's header (its stream opens once its graph is drawn).
 */
export function openEarlyStreamFor(pathname: string, search: string): void {
  const params = new URLSearchParams(search);
  const d = decodeURIComponent;
  const one = /^\/console\/projects\/([^/]+)\/domains\/([^/]+)\/executions\/([^/]+)\/?$/.exec(pathname);
  if (one !== null) {
    const [project, domain, name] = [d(one[1] ?? ""), d(one[2] ?? ""), d(one[3] ?? "")];
    // The page's code, and the workflow once the execution's header names it, load meanwhile.
    void import("../pages/execution-page.tsx");
    void import("../graph/use-layout.ts").then((m) => m.prestartLayoutWorker());
    prefetchExecutionHeader(project, domain, name);
    return;
  }
  const list = /^\/console\/projects\/([^/]+)(?:\/executions)?\/?$/.exec(pathname);
  if (list !== null) {
    const { key, request } = executionsWatch(d(list[1] ?? ""), params.get("domain") ?? DEFAULT_DOMAIN, params);
    openEarly(key, (signal) => watch.watchExecutions(request, { signal }));
  }
}
