/**
 * Plain HTTP endpoints for files: `PUT /upload/<key>` stores a body (the target of the signed URLs
 * CreateUploadLocation hands out) and `GET /download/<key>` reads it back, so workers on other
 * machines can fetch code bundles from the server.
 *
 * Writes are atomic (a temporary file renamed into place) and limited in size; keys that would
 * leave the uploads folder are refused with 400.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { dirname, join, relative, sep } from "node:path";
import { UploadPathError, fileOfKey, keyFromUrlPath } from "./upload-paths.ts";

/** A request and response of either protocol. */
export type AnyRequest = IncomingMessage | Http2ServerRequest;
/** A response of either protocol. */
export type AnyResponse = ServerResponse | Http2ServerResponse;

/** Where uploads live and how large they may be. */
export interface UploadOptions {
  /** `<data-dir>/uploads`. */
  readonly root: string;
  /** Largest accepted body, in bytes. */
  readonly maxBytes: number;
}

/** The uploads folder of a server's data folder. */
export function uploadsRoot(dataDir: string): string {
  return join(dataDir, "uploads");
}

/** URL prefix of uploads. */
export const UPLOAD_PREFIX = "/upload/";
/** URL prefix of downloads. */
export const DOWNLOAD_PREFIX = "/download/";

/** `res.writeHead` for either protocol (their overloads do not unify). */
export function writeHead(res: AnyResponse, status: number, headers: OutgoingHttpHeaders): void {
  (res as ServerResponse).writeHead(status, headers);
}

function reply(req: AnyRequest, res: AnyResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = `${message}\n`;
  const headers: OutgoingHttpHeaders = { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) };
  // A refused request's body is left unread; over HTTP/1.1 the connection cannot carry another
  // request after it, so tell the client to open a new one.
  if (req.httpVersionMajor === 1 && !req.complete) headers["connection"] = "close";
  writeHead(res, status, headers);
  res.end(body);
}

/** Handles `PUT /upload/<key>`. */
export async function handleUpload(req: AnyRequest, res: AnyResponse, pathname: string, options: UploadOptions): Promise<void> {
  if (req.method !== "PUT") {
    reply(req, res, 405, `use PUT to upload to ${pathname}`);
    return;
  }
  let file: string;
  try {
    file = fileOfKey(options.root, keyFromUrlPath(pathname, UPLOAD_PREFIX));
  } catch (err) {
    if (err instanceof UploadPathError) return reply(req, res, 400, `refused upload: ${err.message}`);
    throw err;
  }
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > options.maxBytes) {
    reply(req, res, 413, `refused upload to ${pathname}: ${declared} bytes is more than the limit of ${options.maxBytes} bytes`);
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString("hex")}.part`;
  // The MD5 is checked only when the client sent one (signed-URL uploads); hashing every byte
  // of every task output otherwise costs server CPU for nothing.
  const expectedMd5 = req.headers["content-md5"];
  const md5 = typeof expectedMd5 === "string" && expectedMd5 !== "" ? createHash("md5") : undefined;
  let size = 0;
  let tooLarge = false;
  try {
    await new Promise<void>((resolveWrite, rejectWrite) => {
      const out = createWriteStream(tmp, { flush: true });
      out.on("error", rejectWrite);
      out.on("finish", () => resolveWrite());
      req.on("error", rejectWrite);
      // A client that goes away mid-body must not leave a partial file behind.
      req.on("close", () => {
        if (req.complete) return;
        out.destroy();
        rejectWrite(new Error(`the upload to ${pathname} was cut off after ${size} bytes`));
      });
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          tooLarge = true;
          req.pause();
          out.destroy();
          resolveWrite();
          return;
        }
        md5?.update(chunk);
        if (!out.write(chunk)) {
          req.pause();
          out.once("drain", () => req.resume());
        }
      });
      req.on("end", () => out.end());
    });
    if (tooLarge) {
      await rm(tmp, { force: true });
      reply(req, res, 413, `refused upload to ${pathname}: the body is more than the limit of ${options.maxBytes} bytes`);
      return;
    }
    const actual = md5?.digest("base64");
    if (md5 !== undefined && expectedMd5 !== actual) {
      await rm(tmp, { force: true });
      reply(req, res, 400, `refused upload to ${pathname}: Content-MD5 is ${String(expectedMd5)} but the body's MD5 is ${actual}`);
      return;
    }
    await rename(tmp, file);
    reply(req, res, 200, `stored ${size} bytes`);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Handles `GET` / `HEAD /download/<key>`. */
export async function handleDownload(req: AnyRequest, res: AnyResponse, pathname: string, options: UploadOptions): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    reply(req, res, 405, `use GET to download ${pathname}`);
    return;
  }
  let file: string;
  try {
    file = fileOfKey(options.root, keyFromUrlPath(pathname, DOWNLOAD_PREFIX));
  } catch (err) {
    if (err instanceof UploadPathError) return reply(req, res, 400, `refused download: ${err.message}`);
    throw err;
  }
  const info = await stat(file).catch(() => undefined);
  // `GET /download/<prefix>?list`: the files under a folder (a directory or dataframe output).
  // Under a single object there are none (as under an object store's key): a dataframe given as
  // one Parquet file is read as that file, never answered with its bytes where a list is expected.
  if (info?.isFile() === true && /[?&]list(=|&|$)/.test(req.url ?? "")) {
    const body = JSON.stringify({ files: [] });
    writeHead(res, 200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? "" : body);
    return;
  }
  if (info?.isDirectory() === true && /[?&]list(=|&|$)/.test(req.url ?? "")) {
    const entries = await readdir(file, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && !e.name.endsWith(".part"))
      .map((e) => relative(file, join(e.parentPath, e.name)).split(sep).join("/"))
      .sort();
    const body = JSON.stringify({ files });
    writeHead(res, 200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? "" : body);
    return;
  }
  if (info === undefined || !info.isFile()) {
    reply(req, res, 404, `nothing was uploaded at ${pathname}`);
    return;
  }
  // One byte range (`Range: bytes=a-b`), so readers of columnar files fetch only what they need.
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers["range"] ?? ""));
  const start = range !== null ? Number(range[1]) : 0;
  const end = range !== null && range[2] !== "" ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
  if (range !== null && (start > end || start >= info.size)) {
    writeHead(res, 416, { "content-range": `bytes */${info.size}` });
    res.end();
    return;
  }
  const headers: OutgoingHttpHeaders = { "content-type": "application/octet-stream", "content-length": end - start + 1, "accept-ranges": "bytes" };
  if (range !== null) headers["content-range"] = `bytes ${start}-${end}/${info.size}`;
  writeHead(res, range !== null ? 206 : 200, headers);
  if (req.method === "HEAD" || info.size === 0) {
    res.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    // 1 MiB reads: fewer syscalls and socket writes than the 64 KiB default.
    const stream = createReadStream(file, { start, end, highWaterMark: 1024 * 1024 });
    stream.on("error", fail);
    stream.on("end", () => done());
    stream.pipe(res as NodeJS.WritableStream);
  });
}
