/**
 * WatchExecutions: one page of a project/domain's executions, sent when it changes. The stream
 * looks at the store every tick and sends the page again only when an execution on it appeared,
 * changed phase or was updated, so an idle list costs one indexed query per tick and no traffic.
 */
import { create } from "@bufbuild/protobuf";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WatchExecutionsResponseSchema, type WatchExecutionsRequest, type WatchExecutionsResponse } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { invalidArgument } from "../api/errors.ts";
import { executionsPage } from "../executions/execution-list.ts";
import type { ExecutionsContext } from "../executions/executions-context.ts";
import { tick, WATCH_TICK_MS } from "./ticks.ts";

/** What makes a page different to a viewer: the executions, their phases and update times. */
function fingerprintOf(executions: readonly Execution[], token: string): string {
  const parts = executions.map((e) => `${e.id?.name ?? ""}:${e.closure?.phase ?? 0}:${e.closure?.updatedAt?.seconds ?? 0}.${e.closure?.updatedAt?.nanos ?? 0}`);
  return `${parts.join(",")}|${token}`;
}

/** Streams the requested page, again whenever it changes, until `signal` aborts. */
export async function* watchExecutions(ctx: ExecutionsContext, req: WatchExecutionsRequest, signal: AbortSignal): AsyncGenerator<WatchExecutionsResponse> {
  if (req.project === "" || req.domain === "") throw invalidArgument("WatchExecutions needs a project and a domain (e.g. flytesnacks / development)");
  const limit = req.limit === 0 ? 50 : Math.min(req.limit, 500);
  let sent: string | undefined;
  do {
    const page = await executionsPage(ctx, { project: req.project, domain: req.domain, filters: req.filters, limit, token: req.token }, "WatchExecutions");
    const fingerprint = fingerprintOf(page.executions, page.token);
    if (fingerprint !== sent) {
      sent = fingerprint;
      yield create(WatchExecutionsResponseSchema, page);
    }
  } while (await tick(WATCH_TICK_MS, signal));
}
