/**
 * A real HTTP/2 server in front of a direct gRPC path, and a grpc-js client of it: what the
 * direct-path tests share. Requests the path does not take are counted and answered 404, so a
 * test can assert that nothing fell through to the router. It lives in testdata/ because it needs
 * grpc-js, a development dependency, and the packed package must not bundle it.
 */
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import grpc from "@grpc/grpc-js";
import type { FastStreamPath } from "../api/grpc-unary-fast-path.ts";
import { routeStreamsFirst } from "../api/stream-routing.ts";

/** A running server and its client; `close()` stops both. */
export interface FastPathServer {
  readonly client: grpc.Client;
  /** Requests the direct path did not take. */
  readonly fellThrough: () => number;
  close(): Promise<void>;
}

/**
 * Serves `fast` (a handler that returns whether it took the stream) on a free local port, routed
 * as the server routes it (stream-routing.ts): the streams it declines reach a request handler.
 */
export async function startFastPathServer(fast: FastStreamPath): Promise<FastPathServer> {
  let fellThrough = 0;
  const server = http2.createServer((_req, res) => {
    fellThrough++;
    res.writeHead(404);
    res.end();
  });
  routeStreamsFirst(server, fast);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new grpc.Client(`127.0.0.1:${(server.address() as AddressInfo).port}`, grpc.credentials.createInsecure());
  return {
    client,
    fellThrough: () => fellThrough,
    async close() {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A grpc-js unary call of `path` with raw bytes: the response bytes, or the status as a rejection. */
export function callRaw(client: grpc.Client, path: string, request: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => new Uint8Array(b), request, (err: grpc.ServiceError | null, value?: Uint8Array) =>
      err !== null ? reject(err) : resolve(value ?? new Uint8Array()),
    );
  });
}
