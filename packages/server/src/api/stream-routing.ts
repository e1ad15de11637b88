/**
 * Routes new HTTP/2 streams to a direct path (grpc-unary-fast-path.ts) before Node's
 * compatibility layer builds an `Http2ServerRequest` and an `Http2ServerResponse` for them and
 * emits 'request': the streams the path takes never get those objects, the others are handed to
 * the compatibility layer exactly as before (and so to the server's request handler).
 */
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import type { FastStreamPath } from "./grpc-unary-fast-path.ts";

type StreamListener = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => void;

/**
 * Makes `first` see every new stream of `server` before its existing 'stream' listeners (the
 * compatibility layer's, installed when the server was made with a request handler), which then
 * see only the streams `first` declined. Call once, after the server is made and before it
 * accepts connections.
 */
export function routeStreamsFirst(server: Http2Server, first: FastStreamPath): void {
  const others = server.listeners("stream") as StreamListener[];
  // Node's compatibility layer is a 'stream' listener installed with the request handler; a Node
  // that wired it otherwise would get every declined stream dropped here: refuse to start instead.
  if (others.length === 0) throw new Error("routeStreamsFirst: the HTTP/2 server has no 'stream' listener (make it with a request handler first)");
  server.removeAllListeners("stream");
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (first(stream, headers)) return;
    for (const listener of others) listener.call(server, stream, headers, flags, rawHeaders);
  });
}
