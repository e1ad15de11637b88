/**
 * The console's WatchService (flyte.watch.v1): live updates over one server-streaming call per
 * page, beside AdminService on the same port and protocols. Streams end when the client goes away
 * or the server closes.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { WatchService } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import type { ExecutionsContext } from "../executions/executions-context.ts";
import { watchExecution } from "./watch-execution.ts";
import { watchExecutions } from "./watch-executions.ts";

/** WatchService's handlers on the execution service's parts; `closing` ends every stream. */
export function watchService(ctx: ExecutionsContext, closing: AbortSignal): ServiceImpl<typeof WatchService> {
  return {
    watchExecutions: (req, handler) => watchExecutions(ctx, req, AbortSignal.any([handler.signal, closing])),
    watchExecution: (req, handler) => watchExecution(ctx, req, AbortSignal.any([handler.signal, closing])),
  };
}
