/**
 * `FlyteFile`: a file a task receives (or passes on) by reference. Nothing is read until asked:
 * `open()` streams it, `download()` copies it to a local file once, `text()` reads it whole.
 */
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { nodeCrypto, nodeStream, nodeStreamPromises } from "../node-builtins.ts";
import { currentDataContext, currentStoreFor, processDownloadRoot } from "./data-context.ts";
import { localPathOf } from "./file-store.ts";
import { baseName } from "./store.ts";

const FILE_BRAND = Symbol.for("flytekit.FlyteFile");

/** Options of a {@link FlyteFile}. */
export interface FlyteFileOptions {
  /** The file's format (`"csv"`, `"parquet"`); `""` for any. @default "" */
  readonly format?: string;
  /** The content hash, when known (it then identifies the file in cache keys). @default unknown */
  readonly hash?: string;
}

/**
 * A new folder for one download: under the attempt's download folder (removed when the attempt
 * ends), else under the process's (removed when it exits).
 */
export function downloadDir(): string {
  return join(currentDataContext().downloadRoot ?? processDownloadRoot(), nodeCrypto().randomBytes(6).toString("hex"));
}

/** Copies the object at `uri` to `target`, streamed, through a temporary file (no partial file is left). */
export async function downloadTo(uri: string, target: string, what: string): Promise<void> {
  const source = await currentStoreFor(uri, what).read(uri);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${nodeCrypto().randomBytes(4).toString("hex")}.part`;
  try {
    await nodeStreamPromises().pipeline(source, createWriteStream(temp));
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * A file in a Flyte store, as a task receives a `file()` input. Return one (or a local path) from
 * a task for a `file()` output.
 *
 * @example
 * const count = task({ inputs: { f: file("csv") }, outputs: z.int() }, async ({ f }) => (await f.text()).split("\n").length);
 */
export class FlyteFile {
  /** Where the file is: `file:///...` locally, `http(s)://<server>/download/...` on a server. */
  readonly uri: string;
  /** The declared format (`""` for any). */
  readonly format: string;
  /** The content hash when known: files with equal hashes are the same input for the cache. */
  readonly hash: string | undefined;
  #local: Promise<string> | undefined;

  constructor(uri: string, options: FlyteFileOptions = {}) {
    this.uri = uri;
    this.format = options.format ?? "";
    this.hash = options.hash;
    Object.defineProperty(this, FILE_BRAND, { value: true });
  }

  /** Whether `value` is a FlyteFile (from any copy of flytekit). */
  static isFlyteFile(value: unknown): value is FlyteFile {
    return typeof value === "object" && value !== null && FILE_BRAND in value;
  }

  /**
   * A local path of the file, downloading it on the first call (a local file is used in place).
   *
   * @throws FlyteError `E_DATA_NOT_FOUND`, `E_DATA_STORE`, `E_DATA_TRANSFER`.
   */
  download(): Promise<string> {
    this.#local ??= this.uri.startsWith("file://")
      ? currentStoreFor(this.uri, `file '${this.uri}'`).size(this.uri).then(() => localPathOf(this.uri))
      : (async () => {
          const target = join(downloadDir(), baseName(new URL(this.uri).pathname) || "file");
          await downloadTo(this.uri, target, `file '${this.uri}'`);
          return target;
        })();
    return this.#local;
  }

  /** The file's content as UTF-8 text (read whole: for small files). */
  async text(): Promise<string> {
    return readFile(await this.download(), "utf8");
  }

  /** A stream of the file's bytes, read from the store as it is consumed. */
  open(): Readable {
    const out = new (nodeStream().PassThrough)();
    currentStoreFor(this.uri, `file '${this.uri}'`)
      .read(this.uri)
      .then((source) => source.on("error", (err) => out.destroy(err)).pipe(out))
      .catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
    return out;
  }

  /** The URI (so `--json` and template strings show where the file is). */
  toString(): string {
    return this.uri;
  }

  /** The URI. */
  toJSON(): string {
    return this.uri;
  }
}
