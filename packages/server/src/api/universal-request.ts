/**
 * A Node request as Connect's universal request, for the RPC handler.
 *
 * Connect's own adapter (`universalRequestFromNodeRequest`) aborts the request's signal whenever
 * the stream closes, also after a response that was sent in full; an abort without a reason
 * creates a `DOMException`, stack trace and all. That is one per RPC for nothing — no handler is
 * left to tell — and was 2.5% of the server's CPU in the throughput benchmark (docs/benchmarks.md,
 * fifth round). This one aborts only when the exchange closes before the response was ended: the
 * client went away or reset the stream, which a running handler (a watch, a worker's session)
 * must learn.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalServerRequest } from "@connectrpc/connect/protocol";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** The universal request of `req`, its signal aborted if the exchange closes before `res` ends. */
export function universalRequestOf(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): UniversalServerRequest {
  const authority = "authority" in req ? req.authority : req.headers.host;
  if (authority === undefined) throw new ConnectError("the request names no authority (no :authority or Host header)", Code.InvalidArgument);
  const scheme = "encrypted" in req.socket && req.socket.encrypted === true ? "https" : "http";
  const controller = new AbortController();
  // HTTP/1.1 closes the request as soon as its body is read, so the response's close is the one
  // that tells; HTTP/2 closes both with the stream.
  res.once("close", () => {
    if (res.writableEnded) return;
    const reset = "stream" in req ? req.stream.rstCode : undefined;
    controller.abort(
      new ConnectError(
        reset === undefined ? "the client closed the connection before the response was sent" : `the client reset the stream (HTTP/2 code ${reset}) before the response was sent`,
        Code.Canceled,
      ),
    );
  });
  return {
    httpVersion: req.httpVersion,
    method: req.method ?? "",
    url: new URL(req.url ?? "", `${scheme}://${authority}`).toString(),
    header: webHeadersOf(req.headers),
    body: req.iterator({ destroyOnReturn: false }),
    signal: controller.signal,
  };
}

/** Node's request headers as web headers, HTTP/2 pseudo-headers (`:path`...) left out. */
function webHeadersOf(headers: IncomingMessage["headers"]): Headers {
  const web = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const one of value) web.append(name, one);
    else web.append(name, String(value));
  }
  return web;
}
