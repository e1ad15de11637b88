/**
 * The local data folder as a {@link DataStore}: `file://` URIs, written through a temporary file
 * renamed into place so that a failed or cut-off write leaves nothing at the target.
 */
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { nodeCrypto, nodeStreamPromises } from "../node-builtins.ts";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FlyteError } from "../errors.ts";
import { CHUNK, type DataStore, type WriteResult } from "./store.ts";

/** The local file of a `file://` URI. */
export function localPathOf(uri: string): string {
  return fileURLToPath(uri);
}

/** The `file://` URI of a local path. */
export function fileUriOf(path: string): string {
  return pathToFileURL(path).href;
}

function notFound(uri: string): FlyteError {
  return new FlyteError("E_DATA_NOT_FOUND", `nothing is stored at '${uri}' (no such local file)`);
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Local files by `file://` URI. */
export class FileStore implements DataStore {
  readonly description = "local files (file://)";

  accepts(uri: string): boolean {
    return uri.startsWith("file://");
  }

  async read(uri: string): Promise<Readable> {
    const path = localPathOf(uri);
    // Open first so a missing file rejects here, not on the stream's first read.
    const handle = await open(path, "r").catch((err: unknown) => {
      throw isMissing(err) ? notFound(uri) : err;
    });
    return handle.createReadStream({ autoClose: true, highWaterMark: CHUNK });
  }

  async readRange(uri: string, start: number, end: number): Promise<Uint8Array> {
    const handle = await open(localPathOf(uri), "r").catch((err: unknown) => {
      throw isMissing(err) ? notFound(uri) : err;
    });
    try {
      const buffer = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async size(uri: string): Promise<number> {
    try {
      const info = await stat(localPathOf(uri));
      if (!info.isFile()) throw notFound(uri);
      return info.size;
    } catch (err) {
      throw isMissing(err) ? notFound(uri) : err;
    }
  }

  async write(uri: string, body: Readable): Promise<WriteResult> {
    const target = localPathOf(uri);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${nodeCrypto().randomBytes(6).toString("hex")}.part`;
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    try {
      await nodeStreamPromises().pipeline(body, createWriteStream(temp));
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { size };
  }

  async list(prefix: string): Promise<string[]> {
    const root = localPathOf(prefix);
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith(".part"))
      .map((e) => fileUriOf(join(e.parentPath, e.name)))
      .sort();
  }
}
