/**
 * Fast registration's code bundle: the user's modules, flytekit and every other dependency in ONE
 * self-contained ESM file (esbuild), so a worker needs nothing but the file to run the tasks.
 * Its format is @flyte/worker's bundle contract (see bundle-format.ts there).
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleEntrySource } from "@flyte/worker";
import { projectRootOf } from "flytekit/internal";

/**
 * Where the bundle's source map puts the project's files: flytekit maps a task error's frames
 * through it, so `src/wf.ts` appears as `/flyte-project/src/wf.ts`, printed as `src/wf.ts`.
 */
export const BUNDLE_SOURCE_ROOT = "file:///flyte-project/";

/** The name esbuild gives the generated entry module (it is not a file: it comes from stdin). */
const ENTRY_NAME = "flyte-bundle-entry.js";

/** A built bundle. */
export interface CodeBundleFile {
  readonly bytes: Uint8Array;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  /** Module paths it contains, sorted. */
  readonly modules: readonly string[];
  /** Every file esbuild read to make it (absolute paths): what a cached copy is checked against. */
  readonly inputs: readonly string[];
}

/** A module to put in the bundle: its dotted path and absolute file. */
export interface BundleModule {
  readonly module: string;
  readonly file: string;
}

/** What a bundle is built from: the entry module esbuild starts at, and the folder it runs in. */
export interface BundlePlan {
  /** The project root of the first module: paths in the bundle are relative to it. */
  readonly root: string;
  /** The generated entry module (imports every module, applies the names). */
  readonly source: string;
  /** Module paths, sorted. */
  readonly modules: readonly string[];
}

/**
 * The plan of a bundle of `modules` with the flytekit they import. `names` (module → export →
 * entity name) are the names registration gave, applied when the bundle is imported.
 */
export function bundlePlan(modules: readonly BundleModule[], names: Readonly<Record<string, Readonly<Record<string, string>>>>): BundlePlan {
  const first = modules[0];
  if (first === undefined) throw new Error("nothing to bundle: no modules were given");
  const root = projectRootOf(first.file);
  // Sorted, so the bytes (and the derived version) do not depend on the order files were given in.
  const sorted = [...modules].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  const source = bundleEntrySource(
    sorted.map((m) => ({ module: m.module, path: m.file })),
    flytekitRuntimePath(root),
    names,
  );
  return { root, source, modules: sorted.map((m) => m.module) };
}

/**
 * Bundles `modules` with the flytekit they import (see {@link bundlePlan}). The bytes depend only
 * on the code (paths are relative to the project root of the first module), not on the current
 * directory.
 */
export async function buildBundle(modules: readonly BundleModule[], names: Readonly<Record<string, Readonly<Record<string, string>>>>): Promise<CodeBundleFile> {
  return buildPlannedBundle(bundlePlan(modules, names));
}

/** Runs esbuild on `plan`. */
export async function buildPlannedBundle(plan: BundlePlan): Promise<CodeBundleFile> {
  const { root, source } = plan;
  // Loaded here, not at the top: a bundle found in the cache (bundle-cache.ts) needs no esbuild.
  const { build } = await import("esbuild");
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: ENTRY_NAME, loader: "js" },
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    // Task errors name the user's files: flytekit maps frames through this map when it formats one.
    sourcemap: "inline",
    sourcesContent: false,
    sourceRoot: BUNDLE_SOURCE_ROOT,
    // esbuild renames clashing functions (check → check2); stack frames should show the user's names.
    keepNames: true,
    // CommonJS dependencies may `require` Node's modules; ESM has no `require` of its own.
    banner: { js: 'import { createRequire as __flyteCreateRequire } from "node:module"; const require = __flyteCreateRequire(import.meta.url);' },
  }).catch((err: unknown) => {
    throw new Error(`could not bundle ${plan.modules.join(", ")}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const bytes = result.outputFiles[0]?.contents;
  if (bytes === undefined) throw new Error("esbuild produced no output");
  // Metafile paths are relative to absWorkingDir; the entry itself came from stdin (it is in the plan).
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => path !== ENTRY_NAME && path !== "<stdin>" && !path.includes(":"))
    .map((path) => resolve(root, path))
    .sort();
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), modules: plan.modules, inputs };
}

/**
 * flytekit's internal API as the user's code resolves it (from the project root), so the bundle
 * holds one copy of the SDK; the CLI's own copy when the project does not resolve one.
 */
function flytekitRuntimePath(root: string): string {
  try {
    return createRequire(join(root, "package.json")).resolve("flytekit/internal");
  } catch {
    return fileURLToPath(import.meta.resolve("flytekit/internal"));
  }
}
