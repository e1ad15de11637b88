/**
 * Code bundles kept between commands, so that `flyte run --remote` and `flyte register` of code
 * that has not changed skip esbuild (the largest part of their time). A bundle is stored with the
 * list of files esbuild read to make it and each file's SHA-256; it is reused only when the entry
 * module (the modules, their names and the flytekit they use), esbuild's version and every one
 * of those files are byte for byte what they were. Any edit, to the user's code or to a
 * dependency, makes a new bundle.
 *
 * The cache lives in `$XDG_CACHE_HOME/flyte/bundles` (else `~/.cache/flyte/bundles`);
 * `FLYTE_BUNDLE_CACHE=off` (or `false`, `0`, `no`) bundles every time. Deleting the folder is
 * always safe.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { buildPlannedBundle, type BundlePlan, type CodeBundleFile } from "./bundle.ts";

/** Bump when the bundle's build options change: older entries then no longer match. */
const CACHE_FORMAT = 2;

/** What one cache entry records besides the bundle's bytes (`<sha256>.mjs` beside it). */
interface Entry {
  readonly format: number;
  readonly sha256: string;
  readonly modules: readonly string[];
  /** Absolute path → hex SHA-256 of the file's content when the bundle was built. */
  readonly inputs: Readonly<Record<string, string>>;
}

/** The folder of the bundle cache, from the environment. */
export function bundleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env["XDG_CACHE_HOME"] !== undefined && env["XDG_CACHE_HOME"] !== "" ? env["XDG_CACHE_HOME"] : join(homedir(), ".cache");
  return join(base, "flyte", "bundles");
}

/** Whether the environment leaves the bundle cache on (`FLYTE_BUNDLE_CACHE` is not off/false/0/no). */
export function bundleCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env["FLYTE_BUNDLE_CACHE"] ?? "").trim().toLowerCase();
  return !["off", "false", "0", "no"].includes(value);
}

/** A bundle and whether it came from the cache. */
export interface CachedBundle {
  readonly bundle: CodeBundleFile;
  /** True when the cache had it and esbuild did not run. */
  readonly reused: boolean;
}

/**
 * The bundle of `plan`: the cached one when nothing it was made from changed, else a new one
 * (built, then stored in `dir`). A cache that cannot be read or written is passed over: the
 * bundle is then built as if there were no cache.
 */
export async function cachedBundle(plan: BundlePlan, dir: string = bundleCacheDir()): Promise<CachedBundle> {
  const key = entryKey(plan);
  const found = await lookup(dir, key);
  if (found !== undefined) return { bundle: found, reused: true };
  const bundle = await buildPlannedBundle(plan);
  await store(dir, key, bundle).catch(() => undefined); // a read-only or full disk only costs the next run a rebuild
  return { bundle, reused: false };
}

/** The name of a plan's entry: the entry module, the bundler's version and the cache format. */
function entryKey(plan: BundlePlan): string {
  return createHash("sha256").update(JSON.stringify({ format: CACHE_FORMAT, esbuild: esbuildVersion(), root: plan.root, source: plan.source, external: plan.external })).digest("hex");
}

/** esbuild's version (its package.json, not the module: loading esbuild is what a hit avoids). */
function esbuildVersion(): string {
  const pkg = createRequire(import.meta.url)("esbuild/package.json") as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** The entry named `key`, if there is a readable one of this format. */
async function readEntry(dir: string, key: string): Promise<Entry | undefined> {
  try {
    const entry = JSON.parse(await readFile(join(dir, `${key}.json`), "utf8")) as Entry;
    return entry.format === CACHE_FORMAT && /^[0-9a-f]{64}$/.test(entry.sha256) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function lookup(dir: string, key: string): Promise<CodeBundleFile | undefined> {
  const entry = await readEntry(dir, key);
  if (entry === undefined) return undefined;
  const inputs = Object.keys(entry.inputs);
  const now = await Promise.all(inputs.map((file) => fileDigest(file)));
  if (inputs.some((file, i) => now[i] !== entry.inputs[file])) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(join(dir, `${entry.sha256}.mjs`));
  } catch {
    return undefined;
  }
  // The bytes are checked too: a truncated or edited file in the cache is rebuilt, never uploaded.
  if (createHash("sha256").update(bytes).digest("hex") !== entry.sha256) return undefined;
  return { bytes, sha256: entry.sha256, modules: entry.modules, inputs };
}

async function store(dir: string, key: string, bundle: CodeBundleFile): Promise<void> {
  const digests = await Promise.all(bundle.inputs.map((file) => fileDigest(file)));
  // A file esbuild read but that is gone now cannot be checked next time: keep no entry.
  if (digests.some((d) => d === undefined)) return;
  const entry: Entry = {
    format: CACHE_FORMAT,
    sha256: bundle.sha256,
    modules: bundle.modules,
    inputs: Object.fromEntries(bundle.inputs.map((file, i) => [file, digests[i]!])),
  };
  await mkdir(dir, { recursive: true });
  const previous = await readEntry(dir, key);
  // Bytes first, then the entry naming them; each written aside and renamed, so a reader never
  // sees half a file.
  await atomicWrite(join(dir, `${bundle.sha256}.mjs`), bundle.bytes);
  await atomicWrite(join(dir, `${key}.json`), JSON.stringify(entry));
  // One bundle per entry: the one made from the code before this edit goes, so the folder does
  // not grow with every edit. (Bundle bytes embed their entry, so no other entry names it.)
  if (previous !== undefined && previous.sha256 !== bundle.sha256) await rm(join(dir, `${previous.sha256}.mjs`), { force: true });
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

async function fileDigest(file: string): Promise<string | undefined> {
  try {
    return createHash("sha256").update(await readFile(file)).digest("hex");
  } catch {
    return undefined;
  }
}
