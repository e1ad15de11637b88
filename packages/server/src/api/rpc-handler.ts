/**
 * The RPC request handler: connect-es's router (gRPC, gRPC-web and Connect on one handler) with
 * two corrections. connect-es reports a request body that is not valid protobuf as INTERNAL; it
 * is the client's fault, so this handler reports it as INVALID_ARGUMENT (gRPC and Connect), as
 * FlyteAdmin does. And gRPC error messages are percent-encoded as the gRPC spec says, so that
 * grpc-js and grpc-go clients show them verbatim.
 */
import { Code, ConnectError, createConnectRouter, type ConnectRouter, type ConnectRouterOptions } from "@connectrpc/connect";
import { createAsyncIterable, type UniversalServerResponse } from "@connectrpc/connect/protocol";
import { compressionBrotli, compressionGzip, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { grpcMessageText } from "./grpc-message.ts";
import { universalRequestOf } from "./universal-request.ts";
import { writeHead } from "./uploads.ts";

/** A handler of either HTTP version; false when no RPC matches the path. */
export type RpcHandler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => boolean;

const PARSE_ERROR = "parse binary:";

/** Builds the handler for the services `routes` registers. */
export function rpcHandler(routes: (router: ConnectRouter) => void, options: ConnectRouterOptions): RpcHandler {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli], ...options });
  routes(router);
  const byPath = new Map(router.handlers.map((h) => [h.requestPath, h]));
  return (req, res) => {
    const handler = byPath.get((req.url ?? "").split("?", 1)[0] ?? "");
    if (handler === undefined) return false;
    let uReq;
    try {
      uReq = universalRequestOf(req, res);
    } catch (error) {
      writeHead(res, 400, { "content-type": "text/plain" });
      res.end(`${ConnectError.from(error).rawMessage}\n`);
      return true;
    }
    handler(uReq)
      .then(async (uRes) => universalResponseToNodeResponse(await fixResponse(uRes), res))
      .catch((reason: unknown) => {
        if (ConnectError.from(reason).code === Code.Aborted) return;
        console.error(`flyte: rpc ${handler.service.typeName}/${handler.method.name} failed`, reason);
      });
    return true;
  };
}

async function fixResponse(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  // gRPC and gRPC-web: errors of unary calls are in the trailer by the time the handler returns
  // (it awaits the first body chunk).
  const trailer = res.trailer;
  const encoded = trailer?.get("grpc-message");
  if (trailer !== undefined && encoded !== null && encoded !== undefined) {
    let message = encoded;
    try {
      message = decodeURIComponent(encoded);
    } catch {
      // Leave a message that is not valid percent-encoding as it is.
    }
    if (trailer.get("grpc-status") === String(Code.Internal) && message.startsWith(PARSE_ERROR)) {
      trailer.set("grpc-status", String(Code.InvalidArgument));
    }
    trailer.set("grpc-message", grpcMessageText(message));
    return res;
  }
  // Connect unary: a JSON error body with HTTP status 500.
  const type = res.header?.get("content-type") ?? "";
  if (res.status === 500 && type.startsWith("application/json") && res.header?.get("content-encoding") === null && res.body !== undefined) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    let body: Uint8Array = bytes;
    let status = res.status;
    try {
      const json = JSON.parse(bytes.toString("utf8")) as { code?: string; message?: string };
      if (json.code === "internal" && json.message?.startsWith(PARSE_ERROR) === true) {
        body = Buffer.from(JSON.stringify({ ...json, code: "invalid_argument" }));
        status = 400;
        res.header?.set("content-length", String(body.byteLength));
      }
    } catch {
      // Not a JSON error after all; pass it on unchanged.
    }
    return { ...res, status, body: createAsyncIterable([body]) };
  }
  return res;
}
