/**
 * The server process: one TCP port speaking gRPC over HTTP/2 cleartext (what clients generated
 * from Flyte's protos expect of FlyteAdmin) and HTTP/1.1 (Connect and gRPC-web for the console
 * and the CLI, plus `/healthz`, `/upload/...` and `/download/...`).
 *
 * Node's cleartext HTTP/2 server cannot fall back to HTTP/1.1, so a plain TCP server accepts each
 * connection, looks at its first bytes — an HTTP/2 client always opens with the preface
 * `PRI * HTTP/2.0` — and hands the socket to the HTTP/2 or the HTTP/1.1 server. Both serve the same
 * request handler.
 */
import { mkdirSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { join, resolve } from "node:path";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { adminService } from "./api/admin-service.ts";
import { getWorkflowAnswer } from "./api/workflows.ts";
import type { RegistryContext } from "./api/context.ts";
import { dataProxyService } from "./api/data-proxy.ts";
import type { ExecutionService, ExecutionServiceFactory, ExecutionServiceHooks } from "./api/execution-service.ts";
import { connectUnaryFastPath } from "./api/connect-unary-fast-path.ts";
import { directAdminMethods, encodedAdminMethods, type EncodedAdminMethods } from "./api/direct-admin-methods.ts";
import { grpcUnaryFastPath } from "./api/grpc-unary-fast-path.ts";
import { routeStreamsFirst } from "./api/stream-routing.ts";
import { rpcHandler } from "./api/rpc-handler.ts";
import { httpGateway } from "./http-gateway/gateway.ts";
import { consoleHttp } from "./console/console-http.ts";
import { DOWNLOAD_PREFIX, UPLOAD_PREFIX, handleDownload, handleUpload, uploadsRoot, writeHead, type AnyRequest, type AnyResponse } from "./api/uploads.ts";
import { openDatabase } from "./db/database.ts";
import { groupCommitterFor } from "./db/group-commit.ts";
import { RegistryStore } from "./registry/registry-store.ts";
import { durableExecutions } from "./executions/durable-executions.ts";

/** The port `flyte start` listens on by default (the port of Flyte's sandbox). */
export const DEFAULT_PORT = 30080;
/** Largest RPC message accepted: 64 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Largest upload accepted: 1 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Folder of the database and uploads; created if missing. */
  readonly dataDir: string;
  /** TCP port; 0 picks a free one. @default 30080 */
  readonly port?: number;
  /** Interface to listen on; "0.0.0.0" to accept workers from other machines. @default "127.0.0.1" */
  readonly host?: string;
  /** Largest RPC message, in bytes. @default 64 MiB */
  readonly maxMessageBytes?: number;
  /** Largest upload, in bytes. @default 1 GiB */
  readonly maxUploadBytes?: number;
  /** fsync every commit. @default true */
  readonly fsync?: boolean;
  /**
   * Start the database log's checkpoint thread with the server, not at its first checkpoint:
   * `flyte start` does, so the thread's boot (tens of milliseconds of a core) is not taken from
   * the server's first burst of work. Tests, which start many short-lived servers, leave it lazy.
   * @default false
   */
  readonly prestartCheckpoints?: boolean;
  /**
   * Builds the handlers of the execution RPCs (and the worker and signal services).
   * @default durableExecutions(): the orchestrator on the SQLite store, dispatching to workers
   */
  readonly executions?: ExecutionServiceFactory;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops accepting connections, ends open ones and closes the database. */
  close(): Promise<void>;
}

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");

/**
 * Starts the server and resolves once it accepts connections (and `/healthz` answers 200).
 *
 * @example
 * ```ts
 * const server = await startServer({ dataDir: "/tmp/flyte", port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const host = options.host ?? "127.0.0.1";
  const db = openDatabase(join(dataDir, "flyte.db"), { fsync: options.fsync ?? true });
  let closeExecutions: (() => Promise<void> | void) | undefined;
  let ready = false;
  let url = "";
  try {
    const store = new RegistryStore(db);
    const ctx: RegistryContext = { store, now: Date.now };
    const fsync = options.fsync ?? true;
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const executions: ExecutionService & ExecutionServiceHooks = (options.executions ?? durableExecutions())({ db, registry: store, dataDir, fsync, maxMessageBytes });
    closeExecutions = () => executions.close?.();
    const uploads = { root: uploadsRoot(dataDir), maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES };
    const admin = adminService(ctx, executions);
    const dataProxy = dataProxyService(ctx, { baseUrl: () => url });
    const rpc = rpcHandler(
      (router) => {
        router.service(AdminService, admin);
        router.service(DataProxyService, dataProxy);
        executions.routes?.(router);
      },
      { readMaxBytes: maxMessageBytes },
    );
    // Clients poll GetExecution and create and list executions: over gRPC these skip connect-es's
    // pipeline and Node's request/response objects (direct-admin-methods.ts, routed below). GetWorkflow's kept encoding is sent as it is over gRPC
    // and Connect (the console's protocol).
    const encoded: EncodedAdminMethods = { getWorkflow: (req) => getWorkflowAnswer(ctx, req) };
    const fast = grpcUnaryFastPath(directAdminMethods(admin, encoded), { readMaxBytes: maxMessageBytes });
    const fastConnect = connectUnaryFastPath(encodedAdminMethods(encoded), { readMaxBytes: maxMessageBytes });
    // FlyteAdmin's HTTP API over the same implementations.
    const gateway = httpGateway(
      [
        { service: AdminService, impl: admin },
        { service: DataProxyService, impl: dataProxy },
      ],
      { readMaxBytes: maxMessageBytes },
    );

    const serveConsole = consoleHttp();
    const handle = (req: AnyRequest, res: AnyResponse): void => {
      // Split by hand: URL parsing would resolve '..' and hide path escapes from the checks.
      const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
      if (pathname === "/healthz") {
        writeHead(res, ready ? 200 : 503, { "content-type": "text/plain" });
        res.end(ready ? "ok\n" : "starting\n");
        return;
      }
      if (pathname.startsWith(UPLOAD_PREFIX) || pathname.startsWith(DOWNLOAD_PREFIX)) {
        const done = pathname.startsWith(UPLOAD_PREFIX) ? handleUpload(req, res, pathname, uploads) : handleDownload(req, res, pathname, uploads);
        done.catch((err: unknown) => {
          console.error(`flyte: ${req.method ?? "?"} ${pathname} failed`, err);
          if (!res.headersSent) writeHead(res, 500, { "content-type": "text/plain" });
          res.end("internal error\n");
        });
        return;
      }
      if (executions.http?.(req, res, pathname) === true) return;
      if (serveConsole(req, res, pathname)) return;
      if (gateway(req, res, pathname)) return;
      if (fastConnect(req, res)) return;
      if (rpc(req, res)) return;
      writeHead(res, 404, { "content-type": "text/plain" });
      res.end(`no such endpoint: ${pathname}; the server speaks flyteidl.service.AdminService and DataProxyService over gRPC, gRPC-web and Connect, and FlyteAdmin's HTTP API under /api/v1/\n`);
    };

    const h1 = http.createServer(handle);
    // Large registrations arrive as single messages; let a session buffer up to ~2x the limit.
    const h2 = http2.createServer({ maxSessionMemory: Math.max(10, Math.ceil((2 * maxMessageBytes) / (1024 * 1024))) }, handle);
    // The direct gRPC path takes its calls off the stream, before Node's compatibility objects.
    routeStreamsFirst(h2, fast);
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      let seen = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        seen = Buffer.concat([seen, chunk]);
        const n = Math.min(seen.length, H2_PREFACE.length);
        const isPrefaceSoFar = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
        if (isPrefaceSoFar && seen.length < H2_PREFACE.length) return; // not enough bytes to tell yet
        socket.off("data", onData);
        socket.pause();
        socket.unshift(seen);
        if (isPrefaceSoFar) {
          h2.emit("connection", socket);
        } else {
          h1.emit("connection", socket);
          // The HTTP/1.1 server reads with a 'data' listener; the HTTP/2 one takes the buffered bytes itself.
          socket.resume();
        }
      };
      socket.on("data", onData);
    });

    const port = await new Promise<number>((resolveListen, rejectListen) => {
      tcp.once("error", rejectListen);
      tcp.listen(options.port ?? DEFAULT_PORT, host, () => {
        tcp.off("error", rejectListen);
        const address = tcp.address();
        resolveListen(typeof address === "object" && address !== null ? address.port : 0);
      });
    });
    url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    await executions.start?.();
    if (options.prestartCheckpoints === true) groupCommitterFor(db).prestartCheckpoints();
    ready = true;

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      dataDir,
      close() {
        closing ??= (async () => {
          ready = false;
          const stopped = new Promise<void>((done) => tcp.close(() => done()));
          h1.closeIdleConnections();
          // Give requests in flight a moment, then end every connection.
          const grace = setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, 2000);
          for (const s of sockets) if (!s.readableFlowing) s.end();
          // Ends long polls and stops the orchestrator, so open connections can finish now.
          await executions.close?.();
          await stopped;
          clearTimeout(grace);
          db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await closeExecutions?.();
    db.close();
    throw err;
  }
}
