/**
 * Where the server keeps bytes too big or too opaque for the database: node inputs and outputs,
 * error documents, decks, raw task data and uploaded code bundles. Paths are relative, `/`-separated
 * keys in Flyte's layout (see `blob-layout.ts`); a local folder implements it
 * (`local-blob-store.ts`).
 */

/** Stable codes of {@link BlobError}. */
export type BlobErrorCode = "E_BLOB_PATH" | "E_BLOB_NOT_FOUND";

/** Cross-realm brand, so `isBlobError` works across module copies. */
const BRAND = Symbol.for("flyte.server.BlobError");

/**
 * A blob operation that was refused (an invalid path) or found nothing.
 *
 * @example
 * try { await blobs.get(path); } catch (err) { if (isBlobError(err) && err.code === "E_BLOB_NOT_FOUND") ... }
 */
export class BlobError extends Error {
  /** Machine-readable reason. */
  readonly code: BlobErrorCode;
  /** The path as the caller gave it. */
  readonly path: string;

  constructor(code: BlobErrorCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
    this.name = "BlobError";
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether `value` is a {@link BlobError}, from any copy of this module. */
export function isBlobError(value: unknown): value is BlobError {
  return typeof value === "object" && value !== null && BRAND in value;
}

/**
 * A store of immutable-by-convention byte blobs under relative keys. Every method validates its
 * path first and rejects with `E_BLOB_PATH` for absolute paths, `..` or `.` segments, empty
 * segments, backslashes or NUL bytes.
 *
 * @example
 * await blobs.put(nodeInputsPath(execution, "n0"), toBinary(LiteralMapSchema, inputs));
 * const bytes = await blobs.get(nodeInputsPath(execution, "n0"));
 */
export interface BlobStore {
  /**
   * Writes `bytes` at `path`, replacing any previous blob, atomically: readers see the old blob
   * or the new one, never a torn write. Durable when the promise resolves (if the store is).
   */
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** The blob at `path`; rejects with `E_BLOB_NOT_FOUND` when there is none. */
  get(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  /**
   * Paths of every blob under `prefix` (a folder-like prefix, `""` for all), sorted. A prefix
   * names whole segments: `a/b` lists `a/b/...` and the blob `a/b` itself, never `a/bc`.
   */
  list(prefix: string): Promise<string[]>;
  /** Removes the blob at `path`; resolves `false` when there was none. */
  delete(path: string): Promise<boolean>;
}
