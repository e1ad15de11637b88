/**
 * Where the running code reads and writes raw data (files, directories, dataframes, offloaded
 * literals): the stores it may use and, inside a task attempt, the attempt's raw-output prefix.
 *
 * Set per attempt with AsyncLocalStorage (concurrent attempts in one process each see their own).
 * Outside any attempt, local defaults apply: the local data folder (`$XDG_DATA_HOME/flyte/local-data`,
 * else `~/.local/share/flyte/local-data`) for writes; local files and any Flyte server's store for reads.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { nodeCrypto } from "../node-builtins.ts";
import { FileStore, fileUriOf } from "./file-store.ts";
import { HttpStore } from "./http-store.ts";
import { type DataStore, joinUri, storeFor } from "./store.ts";

/** The data setting of one attempt (or of the whole process, outside attempts). */
export interface DataContext {
  /** Stores values may be read from and written to. */
  readonly stores: readonly DataStore[];
  /** Folder-like URI under which this attempt writes new objects (Flyte's raw output prefix). */
  readonly rawPrefix: string;
  /**
   * The raw-output base every attempt's prefix sits under (`<server>/download/<project>/<domain>/raw`
   * on a worker): where content-addressed objects go, shared by all attempts. @default unset: rawPrefix serves
   */
  readonly rawBase?: string;
  /**
   * When set, local files and folders given as values are uploaded to `<contentPrefix>/<sha256>/<name>`
   * (content-addressed, as flytekit's data-proxy uploads are) instead of under `rawPrefix`: the same
   * bytes get the same URI on every run, so what is derived from them — a folder's listed files —
   * keeps its cache keys too. Set for the inputs `flyte run --remote` uploads. @default unset
   */
  readonly contentPrefix?: string;
  /**
   * Local folder that `download()` copies files into; an attempt's is removed when the attempt
   * ends ({@link removeAttemptDownloads}). @default a folder of the process, removed at exit
   */
  readonly downloadRoot?: string;
}

const storage = new AsyncLocalStorage<DataContext>();

/** The local data folder: `$XDG_DATA_HOME/flyte/local-data`, else `~/.local/share/flyte/local-data`. */
export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env["XDG_DATA_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".local", "share"), "flyte", "local-data");
}

/** Reads allowed outside a server attempt: local files, and files of any Flyte server. */
const LOCAL_STORES: readonly DataStore[] = [new FileStore(), new HttpStore()];

/**
 * The raw-output prefix of one attempt in Flyte's sharded layout, `<base>/<shard>/<execution>-<node>-<attempt>-<unique>`:
 * the two-character shard spreads objects over folders as propeller's `NewShardedRawOutputPath` does.
 */
export function attemptRawPrefix(base: string, executionId: string, nodeId: string, attempt: number): string {
  const unique = nodeCrypto().randomBytes(4).toString("hex");
  const id = `${executionId}-${nodeId}-${attempt}-${unique}`;
  const shard = nodeCrypto().createHash("sha256").update(id).digest("hex").slice(0, 2);
  return joinUri(base, shard, id);
}

/**
 * The data context of a local attempt (`rawBase` unset) or of a worker attempt (`rawBase` is
 * `http(s)://<server>/download/<project>/<domain>/raw`): a worker reads and writes only its server's store.
 */
export function attemptDataContext(executionId: string, nodeId: string, attempt: number, rawBase?: string): DataContext {
  const remote = rawBase !== undefined && /^https?:\/\//.test(rawBase);
  const base = rawBase ?? fileUriOf(join(localDataDir(), "raw"));
  // The prefix and the download folder are made on first read: most attempts (trivial tasks, a
  // map's items) read neither, and their random bytes, hash and paths were most of such an
  // attempt's own cost in a worker's isolate (docs/benchmarks.md, fifth round).
  let rawPrefix: string | undefined;
  let downloadRoot: string | undefined;
  const context: DataContext = {
    stores: remote ? serverStores(base) : LOCAL_STORES,
    get rawPrefix(): string {
      return (rawPrefix ??= attemptRawPrefix(base, executionId, nodeId, attempt));
    },
    get downloadRoot(): string {
      return (downloadRoot ??= join(processDownloadRoot(), nodeCrypto().randomBytes(6).toString("hex")));
    },
    ...(remote ? { rawBase: base } : {}),
  };
  madeDownloadRoots.set(context, () => downloadRoot);
  return context;
}

/** The stores of a worker attempt, by raw-output base: one server (a few bases) per worker. */
const serverStoresByBase = new Map<string, readonly DataStore[]>();
const MAX_SERVER_BASES = 16;

/**
 * The stores of attempts whose raw-output base is `base` (a server's store), made once per base:
 * an `HttpStore` holds nothing per attempt, and making one parsed a URL on every attempt of a
 * worker's isolate (about a tenth of a trivial attempt's CPU there; docs/benchmarks.md).
 */
function serverStores(base: string): readonly DataStore[] {
  let stores = serverStoresByBase.get(base);
  if (stores === undefined) {
    // Bases are per project and domain: a worker that served many keeps the recent ones.
    if (serverStoresByBase.size >= MAX_SERVER_BASES) serverStoresByBase.delete(serverStoresByBase.keys().next().value as string);
    stores = Object.freeze([new HttpStore(base)]);
    serverStoresByBase.set(base, stores);
  }
  return stores;
}

/** For contexts of {@link attemptDataContext}: their download folder if it was ever named (read). */
const madeDownloadRoots = new WeakMap<DataContext, () => string | undefined>();

/** The current data context: the attempt's, else the local defaults (a fresh raw prefix each call). */
export function currentDataContext(): DataContext {
  return storage.getStore() ?? outsideContext();
}

function outsideContext(): DataContext {
  const ctx = attemptDataContext("local", "outside", 0);
  return { stores: ctx.stores, rawPrefix: ctx.rawPrefix };
}

let exitHook = false;

/**
 * `<tmp>/flyte-downloads-<pid>`: the downloads of this process, removed when it exits (downloads
 * outside any attempt — a local run's caller reading an output — live until then).
 */
export function processDownloadRoot(): string {
  const root = join(tmpdir(), `flyte-downloads-${process.pid}`);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  }
  return root;
}

/**
 * Removes what the attempt of `context` downloaded (`FlyteFile.download()`, `FlyteDirectory.download()`):
 * its outputs are in the store by now, so nothing refers to those copies any more.
 */
export async function removeAttemptDownloads(context: DataContext): Promise<void> {
  // Most attempts download nothing: one stat then, rather than a recursive rm (which loads
  // Node's rimraf and goes through the thread pool) for every attempt.
  // An attempt's context whose folder nobody named has nothing to remove (and naming it now would only make one up).
  const made = madeDownloadRoots.get(context);
  const root = made !== undefined ? made() : context.downloadRoot;
  if (root !== undefined && existsSync(root)) await rm(root, { recursive: true, force: true });
}

/** @internal Runs `fn` with `context` as the data context. */
export function runInDataContext<T>(context: DataContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The store of `uri` in the current context; `E_DATA_STORE` naming `what` when none may hold it. */
export function currentStoreFor(uri: string, what: string): DataStore {
  return storeFor(uri, currentDataContext().stores, what);
}
