/**
 * Writing local files, folders and streams into a store, hashing the bytes on the way (the hash is
 * the value's identity for cache keys: Flyte's `Literal.hash`). Everything streams.
 */
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { FlyteError } from "../errors.ts";
import { nodeCrypto, nodeStream, nodeStreamPromises } from "../node-builtins.ts";
import { CHUNK, type DataStore, joinUri } from "./store.ts";

/** What an upload reports. */
export interface Uploaded {
  readonly uri: string;
  /** `sha256:<hex>` of the content. */
  readonly hash: string;
  readonly size: number;
}

/** A readable from a Node stream or a web `ReadableStream`. */
export function toNodeReadable(source: Readable | ReadableStream<Uint8Array>): Readable {
  const { Readable } = nodeStream();
  return source instanceof Readable ? source : Readable.fromWeb(source);
}

/** Streams `source` to `uri` of `store`, hashing it. A failing source fails the write (nothing is kept). */
export async function uploadStream(source: Readable, store: DataStore, uri: string, what: string): Promise<Uploaded> {
  const hash = nodeCrypto().createHash("sha256");
  const tap = new (nodeStream().Transform)({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  source.on("error", (err) => tap.destroy(err));
  source.pipe(tap);
  let size: number;
  try {
    ({ size } = await store.write(uri, tap));
  } catch (err) {
    if (err instanceof FlyteError) throw new FlyteError(err.code, `${what}: ${err.message}`, { cause: err });
    throw new FlyteError("E_DATA_TRANSFER", `${what}: the upload to '${uri}' failed: ${err instanceof Error ? err.message : String(err)}; nothing was recorded`, { cause: err });
  }
  return { uri, hash: `sha256:${hash.digest("hex")}`, size };
}

/** `sha256:<hex>` of a local file, streamed. */
export async function hashLocalFile(path: string): Promise<string> {
  const hash = nodeCrypto().createHash("sha256");
  await nodeStreamPromises().pipeline(createReadStream(path, { highWaterMark: CHUNK }), hash);
  return `sha256:${hash.digest("hex")}`;
}

/** Files under a local folder, as `/`-separated relative paths, sorted. */
export async function localFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

/** The hash of a folder: of its files' relative paths and content hashes. */
export function folderHash(entries: readonly { readonly rel: string; readonly hash: string }[]): string {
  const h = nodeCrypto().createHash("sha256");
  for (const e of entries) h.update(`${e.rel}\0${e.hash}\n`);
  return `sha256:${h.digest("hex")}`;
}

/** Uploads every file of a local folder under `prefix`, keeping relative paths. */
export async function uploadFolder(dir: string, store: DataStore, prefix: string, what: string): Promise<Uploaded> {
  const entries: { rel: string; hash: string }[] = [];
  let size = 0;
  for (const rel of await localFiles(dir)) {
    const uri = joinUri(prefix, ...rel.split("/").map(encodeURIComponent));
    const up = await uploadStream(createReadStream(join(dir, ...rel.split("/")), { highWaterMark: CHUNK }), store, uri, what);
    entries.push({ rel, hash: up.hash });
    size += up.size;
  }
  return { uri: prefix, hash: folderHash(entries), size };
}

/** The hash of a local folder without copying it. */
export async function hashLocalFolder(dir: string): Promise<string> {
  const entries: { rel: string; hash: string }[] = [];
  for (const rel of await localFiles(dir)) entries.push({ rel, hash: await hashLocalFile(join(dir, ...rel.split("/"))) });
  return folderHash(entries);
}

/**
 * Where `uploadLocalPath` puts a local file or folder: in a folder named by its content hash under
 * `byContent` (so the same bytes under the same name keep one URI, and a cache key — which holds
 * the URI — follows the bytes), or directly under the folder `under`.
 */
export type UploadPlace = { readonly byContent: string } | { readonly under: string };

/**
 * Uploads a local file or folder (`folder` says which) to `<place>/<its name>`. Placed by content,
 * it is hashed first and the upload must hash the same: otherwise the path changed while it was
 * read, and the URI would name other bytes.
 *
 * @throws FlyteError `E_DATA_TRANSFER` naming `what` when the upload fails or the bytes changed.
 */
export async function uploadLocalPath(localPath: string, folder: boolean, place: UploadPlace, storeFor: (uri: string) => DataStore, what: string): Promise<Uploaded> {
  const expected = "byContent" in place ? await (folder ? hashLocalFolder(localPath) : hashLocalFile(localPath)) : undefined;
  const parent = "byContent" in place ? joinUri(place.byContent, expected!.slice(expected!.indexOf(":") + 1)) : place.under;
  const target = joinUri(parent, encodeURIComponent(basename(resolve(localPath))));
  const store = storeFor(target);
  const up = folder ? await uploadFolder(localPath, store, target, what) : await uploadStream(createReadStream(localPath, { highWaterMark: CHUNK }), store, target, what);
  if (expected !== undefined && up.hash !== expected) {
    throw new FlyteError("E_DATA_TRANSFER", `${what}: '${localPath}' changed while it was uploaded (its content hash is not the one it is stored under); run again once it is written, and do not change it during the run`);
  }
  return up;
}
