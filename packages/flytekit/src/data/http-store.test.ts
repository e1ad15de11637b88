import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { HttpStore } from "./http-store.ts";
import { FlyteError } from "../errors.ts";

/** A server whose `/download/whole` sends its body and `/download/cut` stops halfway. */
async function serve(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === "/download/whole") {
      res.writeHead(200, { "content-length": 5 }).end("hello");
    } else if (req.url === "/download/cut") {
      res.writeHead(200, { "content-length": 100_000 });
      res.write(Buffer.alloc(50_000, 1), () => setTimeout(() => res.socket?.destroy(), 20));
    } else {
      res.writeHead(404).end("no");
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test("downloads stream the body; a missing object is E_DATA_NOT_FOUND", async () => {
  const { url, server } = await serve();
  try {
    const store = new HttpStore(url);
    assert.equal((await buffer(await store.read(`${url}/download/whole`))).toString(), "hello");
    await assert.rejects(store.read(`${url}/download/nothing`), (err: unknown) => err instanceof FlyteError && err.code === "E_DATA_NOT_FOUND");
  } finally {
    server.close();
  }
});

test("a download cut off halfway fails the reader with E_DATA_TRANSFER instead of ending early", async () => {
  const { url, server } = await serve();
  try {
    const stream = await new HttpStore(url).read(`${url}/download/cut`);
    await assert.rejects(buffer(stream), (err: unknown) => err instanceof FlyteError && err.code === "E_DATA_TRANSFER" && err.message.includes("/download/cut"));
  } finally {
    server.close();
  }
});
