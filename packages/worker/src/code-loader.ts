/**
 * Finds the code of a task for a worker. Fast-registered tasks name a bundle URL: each bundle is
 * downloaded once (cached on disk by URL, so a restarted worker reuses it), imported once, and
 * kept warm for every later attempt. Tasks without a bundle are looked up in the worker's working
 * directory (code baked into the image), imported once per module.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TaskRunRequest, TaskRunResult } from "@flyte/engine";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import * as ownRuntime from "flytekit/internal";
import { BUNDLE_FORMAT, parseBundleHeader, SELF_CONTAINED_BUNDLE_FORMAT, type BundleRuntime, type CodeBundle } from "./bundle-format.ts";
import { resolveBundleImportsFromWorker } from "./bundle-resolution.ts";
import { CodeLoadError } from "./code-errors.ts";
import { sdkMismatch, workerFlytekit } from "./sdk-version.ts";
import type { TaskLocation } from "./task-args.ts";

/** Runs attempts of one task. */
export interface LoadedTask {
  run(request: TaskRunRequest): Promise<TaskRunResult>;
}

/** Loaded code: module namespaces and the SDK copy that runs them. */
interface LoadedCode {
  readonly runtime: BundleRuntime;
  readonly modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Options of {@link CodeLoader}. */
export interface CodeLoaderOptions {
  /** Folder for downloaded bundles. */
  readonly cacheDir: string;
  /** Where code without a bundle is looked up. @default process.cwd() */
  readonly root?: string;
  /** Called once per download (for logs and tests). */
  readonly onDownload?: (url: string) => void;
}

/** Loads task code; every bundle and module at most once per process. */
export class CodeLoader {
  readonly #options: CodeLoaderOptions;
  readonly #bundles = new Map<string, Promise<LoadedCode>>();
  readonly #local = new Map<string, Promise<LoadedCode>>();
  readonly #downloads = new Map<string, Promise<string>>();

  constructor(options: CodeLoaderOptions) {
    this.#options = options;
  }

  /** The task at `location`, under the name `template` gives it; throws {@link CodeLoadError}. */
  async taskFor(template: TaskTemplate, location: TaskLocation): Promise<LoadedTask> {
    const code = location.bundleUrl !== undefined ? await this.#bundle(location.bundleUrl) : await this.#localModule(location.module);
    const where = location.bundleUrl !== undefined ? `the bundle ${location.bundleUrl}` : `the worker's directory ${this.#root()}`;
    // The SDK resolves the reference: an export, a named task that is not exported, or a task a
    // dynamic body makes (found by running that body again).
    let definition;
    try {
      const reference = code.runtime.referenceFromArgs(location.resolverArgs);
      if (reference === undefined) throw new Error(`the resolver args name no task: ${JSON.stringify(location.resolverArgs)}`);
      const modules = Object.entries(code.modules).map(([module, namespace]) => ({ module, namespace }));
      const id = template.id;
      // Awaited: older self-contained runtimes resolve synchronously, this one asynchronously.
      definition = await code.runtime.resolveTask(modules, reference, id !== undefined ? { project: id.project, domain: id.domain, version: id.version } : undefined);
    } catch (err) {
      throw new CodeLoadError(`${err instanceof Error ? err.message : String(err)} (in ${where})`, { cause: err });
    }
    if (typeof (definition as { execute?: unknown }).execute !== "function") {
      throw new CodeLoadError(`'${definition.name}' in ${where} is a ${definition.kind}, not a task`);
    }
    const name = template.id?.name ?? definition.name;
    // The runner finds tasks by the template's name, which differs from the definition's for map items.
    const tasks = new Map([[name, definition]]) as unknown as ConstructorParameters<BundleRuntime["InProcessTaskRunner"]>[0];
    return new code.runtime.InProcessTaskRunner(tasks);
  }

  #root(): string {
    return this.#options.root ?? process.cwd();
  }

  #bundle(url: string): Promise<LoadedCode> {
    let loaded = this.#bundles.get(url);
    if (loaded === undefined) {
      loaded = this.#loadBundle(url);
      // A failed load is forgotten, so a later attempt can try again (the server may be back).
      loaded.catch(() => this.#bundles.delete(url));
      this.#bundles.set(url, loaded);
    }
    return loaded;
  }

  /**
   * Downloads the bundle at `url` into the cache unless it is there; resolves with its file.
   * Concurrent calls share one download. Throws {@link CodeLoadError}.
   */
  fetchBundle(url: string): Promise<string> {
    let file = this.#downloads.get(url);
    if (file === undefined) {
      file = this.#download(url);
      file.catch(() => this.#downloads.delete(url));
      this.#downloads.set(url, file);
    }
    return file;
  }

  #bundlesDir(): string {
    return join(this.#options.cacheDir, "bundles");
  }

  async #download(url: string): Promise<string> {
    const dir = this.#bundlesDir();
    const file = join(dir, `${createHash("sha256").update(url).digest("hex").slice(0, 40)}.mjs`);
    if (!existsSync(file)) {
      const bytes = await download(url);
      this.#options.onDownload?.(url);
      mkdirSync(dir, { recursive: true });
      // Threads of one process may download at once: the partial file's name is unique.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
      writeFileSync(partial, bytes);
      renameSync(partial, file);
    }
    return file;
  }

  async #loadBundle(url: string): Promise<LoadedCode> {
    const file = await this.fetchBundle(url);
    // Checked before the import: a bundle built against another flytekit would fail to link (a
    // missing export) or misbehave, with an error that does not say why.
    const header = parseBundleHeader(firstBytes(file));
    if (header !== undefined) {
      if (header.format !== BUNDLE_FORMAT) throw new CodeLoadError(`${url} is a flyte code bundle of format ${header.format}; this worker runs format ${BUNDLE_FORMAT} (run a worker of the flyte version that registered it, or register the code again with this version of flyte)`);
      const sdk = workerFlytekit();
      const mismatch = sdkMismatch(header.flytekit, sdk.version);
      if (mismatch !== undefined) {
        throw new CodeLoadError(
          `the code bundle ${url} was built against flytekit ${header.flytekit}, but this worker runs flytekit ${sdk.version} (${sdk.dir}), ${mismatch}: ` +
            `bundles use the worker's flytekit, so install flytekit ${header.flytekit} where the worker runs, or register the code from a project with flytekit ${sdk.version}`,
        );
      }
      resolveBundleImportsFromWorker(this.#bundlesDir());
    }
    let exports: Partial<CodeBundle>;
    try {
      exports = (await import(pathToFileURL(file).href)) as Partial<CodeBundle>;
    } catch (err) {
      throw new CodeLoadError(`could not import the code bundle ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const format = header?.format ?? SELF_CONTAINED_BUNDLE_FORMAT;
    if (exports.format !== format || exports.modules === undefined || exports.runtime === undefined) {
      const expected = header !== undefined ? `${format}` : `${BUNDLE_FORMAT} (or the self-contained ${SELF_CONTAINED_BUNDLE_FORMAT})`;
      throw new CodeLoadError(`${url} is not a flyte code bundle of format ${expected} (register the code again with this version of flyte)`);
    }
    // The bundle's entry named its entities as registration did.
    return { runtime: exports.runtime, modules: exports.modules };
  }

  #localModule(module: string): Promise<LoadedCode> {
    let loaded = this.#local.get(module);
    if (loaded === undefined) {
      loaded = this.#loadLocal(module);
      loaded.catch(() => this.#local.delete(module));
      this.#local.set(module, loaded);
    }
    return loaded;
  }

  async #loadLocal(module: string): Promise<LoadedCode> {
    const root = this.#root();
    const base = module.split(".").join("/");
    const file = [".ts", ".mts", ".js", ".mjs"].map((ext) => base + ext).find((f) => existsSync(join(root, f)));
    if (file === undefined) {
      throw new CodeLoadError(`module '${module}' was not found in the worker's directory ${root} (looked for ${base}.ts/.mts/.js/.mjs); register the code with 'flyte register' (fast registration) or run the worker in the project's folder`);
    }
    try {
      // The loader names the entities of the module and of the project modules it imports, as registration did.
      const project = await ownRuntime.loadProject([file], root);
      return { runtime: ownRuntime, modules: Object.fromEntries(project.modules.map((m) => [m.module, m.namespace])) };
    } catch (err) {
      throw new CodeLoadError(`could not load module '${module}' from ${join(root, file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

/** The start of `file`, enough for a bundle's header line. */
function firstBytes(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(512);
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

async function download(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new CodeLoadError(`could not download the code bundle ${url}: ${err instanceof Error ? err.message : String(err)}`, { recoverable: true, cause: err });
  }
  if (!res.ok) {
    // 5xx may pass; a missing bundle will stay missing.
    throw new CodeLoadError(`could not download the code bundle ${url}: HTTP ${res.status}`, { recoverable: res.status >= 500 });
  }
  return new Uint8Array(await res.arrayBuffer());
}
