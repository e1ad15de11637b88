/**
 * `FlyteDirectory`: a folder of files in a Flyte store (a multipart blob: the URI is a prefix).
 */
import { join } from "node:path";
import { currentStoreFor } from "./data-context.ts";
import { localPathOf } from "./file-store.ts";
import { downloadDir, downloadTo, FlyteFile } from "./flyte-file.ts";

const DIR_BRAND = Symbol.for("flytekit.FlyteDirectory");

/** Options of a {@link FlyteDirectory}. */
export interface FlyteDirectoryOptions {
  /** The format of the files in it (`"png"`); `""` for any. @default "" */
  readonly format?: string;
  /** The content hash, when known. @default unknown */
  readonly hash?: string;
}

/**
 * A folder in a Flyte store, as a task receives a `directory()` input. Return one (or a local
 * folder path) from a task for a `directory()` output.
 *
 * @example
 * const n = task({ inputs: { d: directory("png") }, outputs: z.int() }, async ({ d }) => (await d.list()).length);
 */
export class FlyteDirectory {
  /** The folder's URI (a prefix: its files are `<uri>/<relative path>`). */
  readonly uri: string;
  /** The declared format of its files (`""` for any). */
  readonly format: string;
  /** The content hash when known. */
  readonly hash: string | undefined;
  #local: Promise<string> | undefined;

  constructor(uri: string, options: FlyteDirectoryOptions = {}) {
    this.uri = uri.replace(/\/+$/, "");
    this.format = options.format ?? "";
    this.hash = options.hash;
    Object.defineProperty(this, DIR_BRAND, { value: true });
  }

  /** Whether `value` is a FlyteDirectory (from any copy of flytekit). */
  static isFlyteDirectory(value: unknown): value is FlyteDirectory {
    return typeof value === "object" && value !== null && DIR_BRAND in value;
  }

  /** Every file in the folder, at any depth, sorted by URI. */
  async list(): Promise<FlyteFile[]> {
    const uris = await currentStoreFor(this.uri, `directory '${this.uri}'`).list(this.uri);
    return uris.map((u) => new FlyteFile(u, { format: this.format }));
  }

  /**
   * A local folder with the files, downloading them on the first call (a local folder is used in place).
   *
   * @throws FlyteError `E_DATA_STORE`, `E_DATA_TRANSFER`.
   */
  download(): Promise<string> {
    this.#local ??= this.uri.startsWith("file://")
      ? Promise.resolve(localPathOf(this.uri))
      : (async () => {
          const root = downloadDir();
          for (const f of await this.list()) {
            const rel = decodeURIComponent(f.uri.slice(this.uri.length + 1));
            await downloadTo(f.uri, join(root, ...rel.split("/")), `directory '${this.uri}'`);
          }
          return root;
        })();
    return this.#local;
  }

  /** The URI. */
  toString(): string {
    return this.uri;
  }

  /** The URI. */
  toJSON(): string {
    return this.uri;
  }
}
