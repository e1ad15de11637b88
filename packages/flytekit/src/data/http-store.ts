/**
 * The Flyte server's store as a {@link DataStore}: objects are `http(s)://<server>/download/<key>`
 * (the URLs `DataProxyService.CreateUploadLocation` hands out as native URLs), written with
 * `PUT /upload/<key>`, read with `GET` (ranges too) and listed with `GET /download/<prefix>?list`.
 * Bytes stream between the worker and the server's disk: neither side holds a file in memory.
 */
import type { IncomingMessage, request as httpRequest } from "node:http";
import type { Readable } from "node:stream";
import { FlyteError } from "../errors.ts";
import { nodeStream, nodeStreamConsumers, nodeStreamPromises } from "../node-builtins.ts";
import type { DataStore, WriteResult } from "./store.ts";

const DOWNLOAD = "/download/";
const UPLOAD = "/upload/";

/** The upload URL of a download URL (the server takes `PUT /upload/<key>` for `GET /download/<key>`). */
export function uploadUrlOf(uri: string): string {
  const u = new URL(uri);
  if (!u.pathname.startsWith(DOWNLOAD)) throw new FlyteError("E_DATA_STORE", `'${uri}' is not a URL of a Flyte server's store (…/download/…)`);
  u.pathname = UPLOAD + u.pathname.slice(DOWNLOAD.length);
  return u.href;
}

function transferError(verb: string, uri: string, err: unknown): FlyteError {
  const why = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
  return new FlyteError("E_DATA_TRANSFER", `could not ${verb} '${uri}': ${why}`, { cause: err });
}

async function checked(res: Response, verb: string, uri: string): Promise<Response> {
  if (res.status === 404) {
    await res.body?.cancel();
    throw new FlyteError("E_DATA_NOT_FOUND", `nothing is stored at '${uri}'`);
  }
  if (!res.ok) throw new FlyteError("E_DATA_TRANSFER", `could not ${verb} '${uri}': HTTP ${res.status} ${(await res.text()).trim()}`);
  return res;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Same origin, counting `localhost`, `127.0.0.1` and `[::1]` as one host (the CLI and workers may name it differently). */
function sameServer(a: URL, b: URL): boolean {
  if (a.origin === b.origin) return true;
  return a.protocol === b.protocol && a.port === b.port && LOOPBACK.has(a.hostname) && LOOPBACK.has(b.hostname);
}

/**
 * Objects of one Flyte server (`origin`, e.g. `http://127.0.0.1:30080`), or of any server when
 * `origin` is omitted (a local run reading a remote execution's files).
 */
export class HttpStore implements DataStore {
  readonly description: string;
  readonly #origin: string | undefined;

  constructor(origin?: string) {
    this.#origin = origin === undefined ? undefined : new URL(origin).origin;
    this.description = origin === undefined ? "a Flyte server's store (http(s)://<server>/download/...)" : `this Flyte server's store (${this.#origin ?? ""}/download/...)`;
  }

  accepts(uri: string): boolean {
    if (!/^https?:\/\//.test(uri)) return false;
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return false;
    }
    return u.pathname.startsWith(DOWNLOAD) && (this.#origin === undefined || sameServer(u, new URL(this.#origin)));
  }

  async read(uri: string): Promise<Readable> {
    // node:http rather than fetch: the body arrives as Node buffers, without a web stream (and its
    // per-chunk promises and garbage) in between — most of a download's CPU time with fetch.
    const url = new URL(uri);
    const request = clientFor(url).request(url, { method: "GET" });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request.once("response", resolve);
      request.once("error", reject);
      request.end();
    }).catch((e: unknown) => Promise.reject(transferError("download", uri, e)));
    const status = res.statusCode ?? 0;
    if (status === 404) {
      res.resume();
      throw new FlyteError("E_DATA_NOT_FOUND", `nothing is stored at '${uri}'`);
    }
    if (status < 200 || status >= 300) {
      const text = await nodeStreamConsumers().buffer(res).then((b) => b.toString("utf8").trim());
      throw new FlyteError("E_DATA_TRANSFER", `could not download '${uri}': HTTP ${status} ${text}`);
    }
    // A body shorter than its Content-Length (the server went away) must fail the reader, not end early.
    const expected = Number(res.headers["content-length"] ?? "-1");
    let received = 0;
    const out = new (nodeStream().Transform)({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        done(expected >= 0 && received !== expected ? transferError("download", uri, new Error(`the body ended after ${received} of ${expected} bytes`)) : null);
      },
    });
    res.once("error", (err) => out.destroy(transferError("download", uri, err)));
    // A reader that stops early closes the connection instead of leaving it half read.
    out.once("close", () => {
      if (!res.complete) res.destroy();
    });
    return res.pipe(out);
  }

  async readRange(uri: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    const res = await checked(
      await fetch(uri, { headers: { range: `bytes=${start}-${end - 1}` } }).catch((e: unknown) => Promise.reject(transferError("download", uri, e))),
      "download",
      uri,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A server without range support sends the whole object: cut the range out of it.
    return res.status === 206 ? bytes : bytes.subarray(start, end);
  }

  async size(uri: string): Promise<number> {
    const res = await checked(await fetch(uri, { method: "HEAD" }).catch((e: unknown) => Promise.reject(transferError("reach", uri, e))), "read", uri);
    return Number(res.headers.get("content-length") ?? "0");
  }

  async write(uri: string, body: Readable): Promise<WriteResult> {
    // node:http rather than fetch: a piped request body keeps backpressure end to end, so an upload
    // holds a few chunks in memory whatever the file's size.
    const url = new URL(uploadUrlOf(uri));
    const request = clientFor(url).request(url, { method: "PUT", headers: { "content-type": "application/octet-stream" } });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      request.once("response", resolve);
      request.once("error", reject);
    });
    let size = 0;
    const counter = new (nodeStream().Transform)({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await nodeStreamPromises().pipeline(body, counter, request);
    } catch (err) {
      request.destroy();
      throw transferError("upload", uri, err);
    }
    const res = await response.catch((err: unknown) => Promise.reject(transferError("upload", uri, err)));
    const text = await nodeStreamConsumers().buffer(res).then((b) => b.toString("utf8").trim());
    if ((res.statusCode ?? 0) >= 300) throw new FlyteError("E_DATA_TRANSFER", `could not upload '${uri}': HTTP ${res.statusCode ?? "?"} ${text}`);
    return { size };
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/+$/, "");
    const res = await fetch(`${base}?list`).catch((e: unknown) => Promise.reject(transferError("list", prefix, e)));
    if (res.status === 404) return [];
    const body = (await checked(res, "list", prefix).then((r) => r.json())) as { files?: unknown };
    const files = Array.isArray(body.files) ? body.files.filter((f): f is string => typeof f === "string") : [];
    return files.map((f) => `${base}/${f.split("/").map(encodeURIComponent).join("/")}`).sort();
  }
}

/** node:http or node:https for a URL, loaded on first use: every command loads this module, few transfer data (node:https brings TLS). */
function clientFor(url: URL): { request: typeof httpRequest } {
  return url.protocol === "https:" ? process.getBuiltinModule("node:https") : process.getBuiltinModule("node:http");
}
