import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ObjectGetRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { WorkflowSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { acceptsGzip, connectUnaryFastPath } from "./connect-unary-fast-path.ts";
import { encodedAdminMethods } from "./direct-admin-methods.ts";
import { EncodedAnswer } from "./encoded-answer.ts";
import { notFound } from "./errors.ts";

// A workflow answer big enough to be compressed: 300 nodes.
const workflow = create(WorkflowSchema, {
  id: { project: "p", domain: "d", name: "wf", version: "v1" },
  closure: { compiledWorkflow: { primary: { template: { nodes: Array.from({ length: 300 }, (_, i) => ({ id: `n${i}` })) } } } },
});
const answer = new EncodedAnswer(toBinary(WorkflowSchema, workflow));
const PATH = "/flyteidl.service.AdminService/GetWorkflow";

// The console asks for a workflow with Connect's binary unary protocol over HTTP/1.1: a real
// HTTP/1.1 server with the direct path in front, connect-es's own client and plain fetch, and a
// count of the requests that went past the direct path.
describe("GetWorkflow on the direct Connect path", () => {
  let server: http.Server;
  let url = "";
  let fellThrough = 0;

  before(async () => {
    const fast = connectUnaryFastPath(
      encodedAdminMethods({
        getWorkflow: (req) => {
          if (req.id?.name !== "wf") throw notFound(`workflow 'p/d/${req.id?.name ?? ""}' is not registered`);
          return answer;
        },
      }),
      { readMaxBytes: 1_000 },
    );
    server = http.createServer((req, res) => {
      if (fast(req, res)) return;
      fellThrough++;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (body: Uint8Array, headers: Record<string, string>): Promise<Response> =>
    fetch(`${url}${PATH}`, { method: "POST", headers: { "content-type": "application/proto", "connect-protocol-version": "1", ...headers }, body });
  const request = (name: string): Uint8Array => toBinary(ObjectGetRequestSchema, create(ObjectGetRequestSchema, { id: { project: "p", domain: "d", name, version: "v1" } }));

  test("connect-es's client gets the kept answer, and an error with its code and text", async () => {
    fellThrough = 0;
    const client = createClient(AdminService, createConnectTransport({ baseUrl: url, httpVersion: "1.1", useBinaryFormat: true }));
    const got = await client.getWorkflow({ id: { project: "p", domain: "d", name: "wf", version: "v1" } });
    assert.ok(equals(WorkflowSchema, got, workflow));
    await assert.rejects(client.getWorkflow({ id: { project: "p", domain: "d", name: "nope", version: "v1" } }), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.code, Code.NotFound);
      assert.equal(e.rawMessage, "workflow 'p/d/nope' is not registered");
      return true;
    });
    assert.equal(fellThrough, 0, "a call went to the router");
  });

  test("a client that accepts gzip gets the kept gzip form, compressed once", async () => {
    const [a, b] = [await post(request("wf"), { "accept-encoding": "gzip, deflate, br, zstd" }), await post(request("wf"), { "accept-encoding": "br, gzip" })];
    for (const res of [a, b]) {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/proto");
      assert.equal(res.headers.get("content-encoding"), "gzip");
    }
    assert.equal(answer.gzipped(), answer.gzipped(), "the gzip form is made once");
    assert.deepEqual(new Uint8Array(gunzipSync(await answer.gzipped())), answer.bytes);
    // fetch decompresses what it gets: the body is the answer itself.
    assert.deepEqual(new Uint8Array(await a.arrayBuffer()), answer.bytes);
    assert.deepEqual(new Uint8Array(await b.arrayBuffer()), answer.bytes);
    const raw = await post(request("wf"), { "accept-encoding": "identity" });
    assert.equal(raw.headers.get("content-encoding"), null);
    assert.deepEqual(new Uint8Array(await raw.arrayBuffer()), answer.bytes);
  });

  test("a body that is not the request message is INVALID_ARGUMENT; an oversized one RESOURCE_EXHAUSTED", async () => {
    const bad = await post(new Uint8Array([0x0a, 0xff]), {});
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, "invalid_argument");
    const big = await post(new Uint8Array(2_000), {});
    assert.equal(big.status, 429);
    assert.equal(((await big.json()) as { code: string }).code, "resource_exhausted");
  });

  test("JSON, compressed requests, other protocol versions and GET are left to the router", async () => {
    fellThrough = 0;
    for (const headers of [{ "content-type": "application/json" }, { "content-encoding": "gzip" }, { "connect-protocol-version": "2" }]) await (await post(request("wf"), headers)).arrayBuffer();
    await (await fetch(`${url}${PATH}?encoding=proto&message=CgA`)).arrayBuffer();
    assert.equal(fellThrough, 4);
  });

  test("Accept-Encoding lists gzip: by name, not with q=0", () => {
    assert.equal(acceptsGzip("gzip, deflate, br, zstd"), true);
    assert.equal(acceptsGzip("br;q=1.0, gzip;q=0.5"), true);
    assert.equal(acceptsGzip("gzip;q=0"), false);
    assert.equal(acceptsGzip("identity"), false);
    assert.equal(acceptsGzip(undefined), false);
  });
});
