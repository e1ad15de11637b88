/**
 * Fast registration's code bundle: the user's modules and the packages they use in ONE ESM file
 * (esbuild) — but not flytekit nor flytekit's own dependencies (zod, protobuf-es, the IDL, the
 * engine, ...): those the worker has, and resolves from its own installation. So a bundle is the
 * size of the project's code, esbuild reads only that, and a worker picks up a new version by
 * importing the project's modules into an isolate that has the SDK loaded already. The header
 * names the flytekit the project uses; a worker whose flytekit cannot stand in for it refuses the
 * bundle with a message saying so. Its format is @flyte/worker's bundle contract (see
 * bundle-format.ts and sdk-version.ts there).
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleEntrySource, bundleHeader, flytekitPackageOf, type FlytekitPackage } from "@flyte/worker/bundle";
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
  /** Packages left to the worker: flytekit and its dependencies (sdk-version.ts of @flyte/worker). */
  readonly external: readonly string[];
  /** The first line of the bundle: the format and the flytekit version the project uses. */
  readonly header: string;
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
  const sdk = projectFlytekit(root);
  // The runtime by bare name, like the user's imports of flytekit: the worker resolves both to its copy.
  const source = bundleEntrySource(
    sorted.map((m) => ({ module: m.module, path: m.file })),
    "flytekit/internal",
    names,
    sdk.version,
  );
  return { root, source, modules: sorted.map((m) => m.module), external: ["flytekit", ...sdk.dependencies], header: bundleHeader(sdk.version) };
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
  const { root, source, external, header } = plan;
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
    // A package path also covers its subpaths (`flytekit/internal`, `zod/mini`).
    external: [...external],
    // The header first (the worker reads it before importing). CommonJS dependencies may
    // `require` Node's modules; ESM has no `require` of its own.
    banner: { js: `${header}\nimport { createRequire as __flyteCreateRequire } from "node:module"; const require = __flyteCreateRequire(import.meta.url);` },
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
 * The flytekit the project's code uses (resolved from the project root); the CLI's own copy
 * when the project does not resolve one.
 */
function projectFlytekit(root: string): FlytekitPackage {
  let internal: string;
  try {
    internal = createRequire(join(root, "package.json")).resolve("flytekit/internal");
  } catch {
    internal = fileURLToPath(import.meta.resolve("flytekit/internal"));
  }
  return flytekitPackageOf(internal);
}
