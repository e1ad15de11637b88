import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { blobPathSegments } from "./blob-path.ts";
import { BlobError, type BlobStore } from "./blob-store.ts";

/** Options of {@link LocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /**
   * fsync the file and its folders on `put`, so a resolved `put` survives power loss. Without it
   * a put is still atomic (temp file + rename) but may be lost on power failure.
   * @default true
   */
  readonly fsync?: boolean;
}

/** Temp files live beside their target (same file system, so `rename` is atomic). */
const TEMP_FILE = /^\..*\.tmp$/;

/**
 * A {@link BlobStore} in a local folder: the key `a/b/c.pb` is the file `<root>/a/b/c.pb`.
 *
 * @example
 * const blobs = new LocalBlobStore("/var/lib/flyte/blobs");
 * await blobs.put("metadata/p-d-a1/n0/data/inputs.pb", bytes);
 */
export class LocalBlobStore implements BlobStore {
  /** The absolute root folder. */
  readonly root: string;
  readonly #fsync: boolean;

  constructor(root: string, options: LocalBlobStoreOptions = {}) {
    this.root = resolve(root);
    this.#fsync = options.fsync ?? true;
  }

  /**
   * The absolute file path of a blob key, after validation.
   *
   * @throws BlobError `E_BLOB_PATH` when the key is invalid or would escape the root.
   */
  resolve(path: string, allowRoot = false): string {
    const segments = blobPathSegments(path, allowRoot);
    const file = join(this.root, ...segments);
    // Segments are already checked; this guards against anything the checks did not foresee.
    if (file !== this.root && !file.startsWith(this.root + sep)) {
      throw new BlobError("E_BLOB_PATH", path, `Invalid blob path ${JSON.stringify(path)}: it resolves outside the store's root ${this.root}.`);
    }
    return file;
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const file = this.resolve(path);
    const dir = dirname(file);
    const firstCreated = await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${file.slice(dir.length + 1)}.${randomBytes(6).toString("hex")}.tmp`);
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(bytes);
      if (this.#fsync) await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temp, file);
    if (this.#fsync) {
      // The rename is durable once its folder is synced; folders created just now need their own
      // entries synced in their parents too.
      const dirs = [dir];
      if (firstCreated !== undefined) {
        for (let d = dir; d !== dirname(firstCreated) && d !== dirname(d); d = dirname(d)) dirs.push(dirname(d));
      }
      for (const d of new Set(dirs)) await syncFolder(d);
    }
  }

  async get(path: string): Promise<Uint8Array> {
    const file = this.resolve(path);
    try {
      const buffer = await readFile(file);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) {
        throw new BlobError("E_BLOB_NOT_FOUND", path, `No blob at ${JSON.stringify(path)} (looked for ${file}).`);
      }
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    const file = this.resolve(path);
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.resolve(prefix, true);
    let info;
    try {
      info = await stat(base);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    if (info.isFile()) return [relative(this.root, base).split(sep).join("/")];
    const entries = await readdir(base, { recursive: true, withFileTypes: true });
    const paths: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || TEMP_FILE.test(entry.name)) continue;
      paths.push(relative(this.root, join(entry.parentPath, entry.name)).split(sep).join("/"));
    }
    return paths.sort();
  }

  async delete(path: string): Promise<boolean> {
    const file = this.resolve(path);
    try {
      await stat(file);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    await rm(file);
    return true;
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
