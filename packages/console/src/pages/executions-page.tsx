/**
 * The executions of a project and domain: newest first, a page at a time (server-side), with
 * filters in the URL and phases updated live over one WatchExecutions stream.
 */
import { create } from "@bufbuild/protobuf";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ExecutionMetadata_ExecutionMode } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WatchExecutionsResponseSchema, type WatchExecutionsResponse } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { admin, watch } from "../api/clients.ts";
import { EXECUTIONS_PAGE_SIZE, executionsWatch } from "../api/live-requests.ts";
import { useLive } from "../api/use-live.ts";
import { ExecutionFilters } from "../components/execution-filters.tsx";
import { LiveIndicator } from "../components/live-indicator.tsx";
import { PhaseBadge } from "../components/phase-badge.tsx";
import { useNow } from "../lib/use-now.ts";
import { filtersFromParams } from "../lib/execution-filters.ts";
import { executionPhaseName, isTerminal } from "../lib/phases.ts";
import { useScope } from "../lib/scope.ts";
import { durationMs, formatDuration, formatTime, msOf } from "../lib/time.ts";
import { executionUrl, launchPlanUrl, workflowUrl } from "../lib/urls.ts";

function modeName(e: Execution): string {
  const mode = e.spec?.metadata?.mode ?? ExecutionMetadata_ExecutionMode.MANUAL;
  return (ExecutionMetadata_ExecutionMode[mode] ?? "MANUAL").toLowerCase().replaceAll("_", " ");
}

function Row({ execution: e, now }: { readonly execution: Execution; readonly now: number }) {
  const scope = { project: e.id?.project ?? "", domain: e.id?.domain ?? "" };
  const phase = executionPhaseName(e.closure?.phase ?? 0);
  const started = msOf(e.closure?.startedAt);
  const running = !isTerminal(e.closure?.phase ?? 0);
  const duration = running && started !== undefined ? now - started : durationMs(e.closure?.duration);
  const wf = e.closure?.workflowId;
  const lp = e.spec?.launchPlan;
  return (
    <tr>
      <td><Link to={executionUrl(scope.project, scope.domain, e.id?.name ?? "")}>{e.id?.name}</Link></td>
      <td><PhaseBadge phase={phase} /></td>
      <td>{wf === undefined ? "—" : <Link to={workflowUrl(scope.project, scope.domain, wf.name)}>{wf.name}</Link>}</td>
      <td>{lp === undefined || lp.name === "" ? "—" : <Link to={launchPlanUrl(scope.project, scope.domain, lp.name)}>{lp.name}</Link>}</td>
      <td>{formatTime(msOf(e.closure?.createdAt))}</td>
      <td className="num">{formatDuration(duration)}</td>
      <td>{modeName(e)}</td>
    </tr>
  );
}

/** The executions list. */
export function ExecutionsPage() {
  const scope = useScope();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const token = params.get("page") ?? "";
  const [page, setPage] = useState<WatchExecutionsResponse | undefined>(undefined);
  const now = useNow(1000);
  const project = scope?.project ?? "";
  const domain = scope?.domain ?? "";
  const { key, request, filters: filterString } = executionsWatch(project, domain, params);
  const live = useLive(key, {
    stream: (signal) => watch.watchExecutions(request, { signal }),
    // ListExecutions takes the same filters and page tokens as the stream: polling shows the same page.
    poll: async (signal) => {
      const list = await admin.listExecutions({ id: { project, domain }, filters: filterString, limit: EXECUTIONS_PAGE_SIZE, token }, { signal });
      return create(WatchExecutionsResponseSchema, { executions: list.executions, token: list.token });
    },
    onMessage: setPage,
  });
  const [history, setHistory] = useState<string[]>([]);
  const goTo = (next: string, back: boolean): void => {
    setHistory((h) => (back ? h.slice(0, -1) : [...h, token]));
    const p = new URLSearchParams(params);
    if (next === "") p.delete("page");
    else p.set("page", next);
    setParams(p);
  };
  const rows = page?.executions ?? [];
  return (
    <section>
      <div className="title-row">
        <h1>Executions</h1>
        <LiveIndicator state={live.state} error={live.error} />
      </div>
      <ExecutionFilters filters={filters} params={params} setParams={setParams} />
      {page === undefined ? <p>Loading executions…</p> : null}
      {page !== undefined && rows.length === 0 ? <p>No executions match. Launch one from a workflow or launch plan page, or with <code>flyte run --remote</code>.</p> : null}
      {rows.length > 0 ? (
        <table className="grid" aria-label="Executions">
          <thead>
            <tr><th>Name</th><th>Phase</th><th>Workflow</th><th>Launch plan</th><th>Created</th><th>Duration</th><th>Mode</th></tr>
          </thead>
          <tbody>
            {rows.map((e) => <Row key={e.id?.name} execution={e} now={now} />)}
          </tbody>
        </table>
      ) : null}
      <div className="pager">
        <button type="button" disabled={token === ""} onClick={() => goTo(history.at(-1) ?? "", true)}>Previous page</button>
        <button type="button" disabled={(page?.token ?? "") === ""} onClick={() => goTo(page?.token ?? "", false)}>Next page</button>
      </div>
    </section>
  );
}
