/**
 * Where files, directories and dataframes live: a `DataStore` reads and writes whole objects by
 * URI, streamed, so no process ever holds a large file in memory. Two stores exist today: a local
 * folder (`file://`, local runs) and the Flyte server's store over HTTP (`http(s)://<server>/download/...`,
 * remote runs). An S3-compatible store is one more implementation of this interface.
 */
import type { Readable } from "node:stream";
import { FlyteError } from "../errors.ts";

/** Bytes read from local files at a time: large chunks keep per-chunk costs (hashing, HTTP framing) low. */
export const CHUNK = 1024 * 1024;

/** What a write reports. */
export interface WriteResult {
  /** Bytes written. */
  readonly size: number;
}

/**
 * A store of immutable objects addressed by URI. Writes are atomic: readers see the whole object
 * or nothing, and a write whose source fails or is cut off leaves nothing behind.
 */
export interface DataStore {
  /** How the store is named in messages, e.g. "the local data folder". */
  readonly description: string;
  /** Whether `uri` is an object of this store (its scheme and, for servers, its origin). */
  accepts(uri: string): boolean;
  /** A stream of the object's bytes. Rejects with `E_DATA_NOT_FOUND` when there is none. */
  read(uri: string): Promise<Readable>;
  /** Bytes `[start, end)` of the object, for formats read piecewise (Parquet footers and columns). */
  readRange(uri: string, start: number, end: number): Promise<Uint8Array>;
  /** The object's size in bytes. Rejects with `E_DATA_NOT_FOUND` when there is none. */
  size(uri: string): Promise<number>;
  /** Streams `body` into the object at `uri`, replacing any previous one. */
  write(uri: string, body: Readable): Promise<WriteResult>;
  /** URIs of every object under the folder-like `prefix`, sorted; `[]` when there are none. */
  list(prefix: string): Promise<string[]>;
}

/** `a/b` + `c` → `a/b/c`, with one slash between. */
export function joinUri(base: string, ...parts: string[]): string {
  let out = base.replace(/\/+$/, "");
  for (const p of parts) out += `/${p.replace(/^\/+/, "")}`;
  return out;
}

/** The last segment of a URI or path (`s3://b/x/data.csv` → `data.csv`). */
export function baseName(uri: string): string {
  const trimmed = uri.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Whether `text` is a URI with a scheme (`file://`, `http://`, `s3://`), not a local path. */
export function hasScheme(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);
}

/**
 * The store among `stores` that holds `uri`.
 *
 * @param what - names the value in the error (`task 't' input 'f'`).
 * @throws FlyteError `E_DATA_STORE` naming the URI, the value and the stores allowed here.
 */
export function storeFor(uri: string, stores: readonly DataStore[], what: string): DataStore {
  const store = stores.find((s) => s.accepts(uri));
  if (store !== undefined) return store;
  const allowed = stores.map((s) => s.description).join(" or ") || "none";
  throw new FlyteError(
    "E_DATA_STORE",
    `${what}: '${uri}' is outside the stores this run may use (${allowed}); give a local path (it is uploaded) or a URI of this run's store.`,
  );
}
