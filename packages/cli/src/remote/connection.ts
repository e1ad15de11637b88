/**
 * The CLI's connection to a server: endpoint, project and domain from the command line, the
 * environment or the config file, Connect clients over HTTP/1.1, and errors a person can act on.
 */
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import type { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import type { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { UsageError } from "../args.ts";
import { DEFAULT_DOMAIN, DEFAULT_ENDPOINT, DEFAULT_PROJECT, resolveConfig } from "../config/resolve.ts";
import { ADMIN_QUICK } from "./admin-quick.ts";
import { lazyClient } from "./lazy-client.ts";

export { DEFAULT_DOMAIN, DEFAULT_ENDPOINT, DEFAULT_PROJECT } from "../config/resolve.ts";
/** Options every remote command takes. */
export const REMOTE_OPTIONS = ["endpoint", "project", "domain", "config"] as const;
/** Usage lines of {@link REMOTE_OPTIONS}. */
export const REMOTE_OPTIONS_USAGE = `  --endpoint URL   the server (default $FLYTE_ENDPOINT, the config file's admin.endpoint,
                   or ${DEFAULT_ENDPOINT})
  --project P      project (default $FLYTE_PROJECT, the config file's project, or ${DEFAULT_PROJECT})
  --domain D       domain (default $FLYTE_DOMAIN, the config file's domain, or ${DEFAULT_DOMAIN})
  --config FILE    config file (default $FLYTE_CONFIG, else ~/.flyte/config.yaml if it exists)`;

/** Where remote commands go. */
export interface RemoteTarget {
  readonly endpoint: string;
  readonly project: string;
  readonly domain: string;
}

/** An RPC that failed, with a message naming the server and what to do. */
export class RemoteError extends Error {
  readonly code: Code;

  constructor(message: string, code: Code) {
    super(message);
    this.name = "RemoteError";
    this.code = code;
  }
}

/**
 * Where a remote command goes: --endpoint / --project / --domain (last one wins), else the
 * environment, else the config file, else the defaults (see config/resolve.ts).
 */
export function remoteTargetOf(options: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv = process.env): RemoteTarget {
  const config = resolveConfig(options, env);
  return { endpoint: config.endpoint.value, project: config.project.value, domain: config.domain.value };
}

/** Throws a UsageError for options outside `known` (plus the remote ones). */
export function checkOptions(options: ReadonlyMap<string, unknown>, known: readonly string[]): void {
  for (const name of options.keys()) {
    if (!known.includes(name) && !(REMOTE_OPTIONS as readonly string[]).includes(name)) throw new UsageError(`unknown option --${name}`);
  }
}

/** Clients of one server's services. */
export interface Remote extends RemoteTarget {
  readonly admin: Client<typeof AdminService>;
  readonly dataProxy: Client<typeof DataProxyService>;
  readonly signals: Client<typeof SignalService>;
}

/**
 * Connects (lazily: nothing is sent until the first call) to `target`. The generated service
 * descriptors load on the first call that needs them (lazy-client.ts): AdminService's alone
 * builds 27 IDL files' descriptors, while a run calls methods whose messages it loads anyway.
 */
export function connect(target: RemoteTarget): Remote {
  const transport = createConnectTransport({ baseUrl: target.endpoint, httpVersion: "1.1" });
  const admin = lazyClient(transport, async () => (await import("@flyte/idl/gen/flyteidl/service/admin_pb.js")).AdminService, ADMIN_QUICK);
  const dataProxy = lazyClient(transport, async () => (await import("@flyte/idl/gen/flyteidl/service/dataproxy_pb.js")).DataProxyService);
  const signals = lazyClient(transport, async () => (await import("@flyte/idl/gen/flyteidl/service/signal_pb.js")).SignalService);
  return {
    ...target,
    admin: explainErrors(admin, target.endpoint),
    dataProxy: explainErrors(dataProxy, target.endpoint),
    signals: explainErrors(signals, target.endpoint),
  };
}

/** Whether `err` says the thing asked for does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof RemoteError ? err.code === Code.NotFound : err instanceof ConnectError && err.code === Code.NotFound;
}

/** Whether `err` says the thing to create exists already. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof RemoteError && err.code === Code.AlreadyExists;
}

/**
 * Turns transport failures into "is the server running?" and other failures into
 * {@link RemoteError}s. (An interceptor cannot: connect wraps what interceptors throw.)
 */
function explainErrors<T extends object>(client: T, endpoint: string): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          throw remoteErrorOf(err, endpoint, String(property));
        }
      };
    },
  });
}

/** A {@link RemoteError} for what an RPC threw. */
export function remoteErrorOf(err: unknown, endpoint: string, method: string): RemoteError {
  const e = ConnectError.from(err);
  if (unreachable(err)) return new RemoteError(`cannot reach the server at ${endpoint}: is \`flyte start\` running?`, Code.Unavailable);
  if (e.code === Code.Unimplemented) return new RemoteError(`the server at ${endpoint} does not implement ${method} yet (${e.rawMessage})`, e.code);
  return new RemoteError(e.rawMessage, e.code);
}

function unreachable(err: unknown): boolean {
  const codes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ECONNRESET", "EAI_AGAIN", "ENETUNREACH"]);
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return true;
    const aggregate = (e as { errors?: unknown }).errors;
    if (Array.isArray(aggregate) && aggregate.some((x) => unreachable(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
