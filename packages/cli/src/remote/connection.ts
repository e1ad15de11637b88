/**
 * The CLI's connection to a server: endpoint, project and domain from the command line (or
 * FLYTE_ENDPOINT), Connect clients over HTTP/1.1, and errors a person can act on.
 */
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { UsageError } from "../args.ts";

/** The server `flyte start` runs by default. */
export const DEFAULT_ENDPOINT = "http://127.0.0.1:30080";
/** Flyte's default project and domain (the sandbox's). */
export const DEFAULT_PROJECT = "flytesnacks";
export const DEFAULT_DOMAIN = "development";
/** Options every remote command takes. */
export const REMOTE_OPTIONS = ["endpoint", "project", "domain"] as const;
/** Usage lines of {@link REMOTE_OPTIONS}. */
export const REMOTE_OPTIONS_USAGE = `  --endpoint URL   the server (default $FLYTE_ENDPOINT or ${DEFAULT_ENDPOINT})
  --project P      project (default ${DEFAULT_PROJECT})
  --domain D       domain (default ${DEFAULT_DOMAIN})`;

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

/** Reads --endpoint / --project / --domain (last one wins). */
export function remoteTargetOf(options: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv = process.env): RemoteTarget {
  const endpoint = (options.get("endpoint")?.at(-1) ?? env["FLYTE_ENDPOINT"] ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(endpoint)) throw new UsageError(`--endpoint must be an http(s) URL such as ${DEFAULT_ENDPOINT} (got '${endpoint}')`);
  return {
    endpoint,
    project: options.get("project")?.at(-1) ?? DEFAULT_PROJECT,
    domain: options.get("domain")?.at(-1) ?? DEFAULT_DOMAIN,
  };
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

/** Connects (lazily: nothing is sent until the first call) to `target`. */
export function connect(target: RemoteTarget): Remote {
  const transport = createConnectTransport({ baseUrl: target.endpoint, httpVersion: "1.1" });
  return {
    ...target,
    admin: explainErrors(createClient(AdminService, transport), target.endpoint),
    dataProxy: explainErrors(createClient(DataProxyService, transport), target.endpoint),
    signals: explainErrors(createClient(SignalService, transport), target.endpoint),
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
