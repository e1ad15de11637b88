/**
 * The console's clients: AdminService, DataProxyService, SignalService and our WatchService, over Connect to the
 * server that served the page (same origin, so no CORS and no configuration).
 */
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { WatchService } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";

const transport = createConnectTransport({ baseUrl: window.location.origin, useBinaryFormat: true });

/** FlyteAdmin's API. */
export const admin: Client<typeof AdminService> = createClient(AdminService, transport);
/** Gates: list signals, approve or reject, send a value. */
export const signals: Client<typeof SignalService> = createClient(SignalService, transport);
/** Live updates, one stream per page. */
export const watch: Client<typeof WatchService> = createClient(WatchService, transport);
/** Upload locations for files picked in the launch form. */
export const dataProxy: Client<typeof DataProxyService> = createClient(DataProxyService, transport);
