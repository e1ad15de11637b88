// The RPC handler's request adapter over real HTTP/2 and HTTP/1.1 servers: a finished exchange
// leaves the signal alone (no DOMException per RPC), an exchange the client drops aborts it.
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { universalRequestOf } from "./universal-request.ts";

type Exchange = { signal: AbortSignal; closed: Promise<unknown> };

/** An HTTP/2 server answering "ok" at once on /done and never on /hang; its exchanges by path. */
async function h2Server() {
  const exchanges = new Map<string, Exchange>();
  const server = http2.createServer((req, res) => {
    const uReq = universalRequestOf(req, res);
    exchanges.set(req.url, { signal: uReq.signal, closed: once(res, "close") });
    if (req.url === "/done") res.end("ok");
  });
  server.listen(0);
  await once(server, "listening");
  return { server, exchanges, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test("HTTP/2: a response sent in full leaves the request's signal unaborted", async () => {
  const { server, exchanges, url } = await h2Server();
  const client = http2.connect(url);
  try {
    const req = client.request({ ":path": "/done" });
    req.resume();
    await once(req, "close");
    const exchange = exchanges.get("/done");
    assert.ok(exchange !== undefined);
    await exchange.closed;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(exchange.signal.aborted, false);
  } finally {
    client.close();
    server.close();
  }
});

test("HTTP/2: a stream the client resets before the response aborts the signal with CANCELED", async () => {
  const { server, exchanges, url } = await h2Server();
  const client = http2.connect(url);
  try {
    const req = client.request({ ":path": "/hang" });
    for (let i = 0; i < 200 && !exchanges.has("/hang"); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const exchange = exchanges.get("/hang");
    assert.ok(exchange !== undefined);
    req.close(http2.constants.NGHTTP2_CANCEL);
    if (!exchange.signal.aborted) await once(exchange.signal, "abort");
    assert.equal(ConnectError.from(exchange.signal.reason).code, Code.Canceled);
  } finally {
    client.close();
    server.close();
  }
});

test("HTTP/1.1: a finished response leaves the signal alone, a dropped connection aborts it", async () => {
  const exchanges = new Map<string, Exchange>();
  const server = http.createServer((req, res) => {
    const uReq = universalRequestOf(req, res);
    exchanges.set(req.url ?? "", { signal: uReq.signal, closed: once(res, "close") });
    if (req.url === "/done") res.end("ok");
  });
  server.listen(0);
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const done = await fetch(`${base}/done`);
    assert.equal(await done.text(), "ok");
    const finished = exchanges.get("/done");
    assert.ok(finished !== undefined);
    await finished.closed;
    assert.equal(finished.signal.aborted, false);

    const dropped = new AbortController();
    const pending = fetch(`${base}/hang`, { signal: dropped.signal }).catch(() => undefined);
    for (let i = 0; i < 200 && !exchanges.has("/hang"); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const hanging = exchanges.get("/hang");
    assert.ok(hanging !== undefined);
    dropped.abort();
    await pending;
    if (!hanging.signal.aborted) await once(hanging.signal, "abort");
    assert.equal(ConnectError.from(hanging.signal.reason).code, Code.Canceled);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
