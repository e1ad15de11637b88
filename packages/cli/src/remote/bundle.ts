/**
 * Fast registration's code bundle: the user's modules, flytekit and every other dependency in ONE
 * self-contained ESM file (esbuild), so a worker needs nothing but the file to run the tasks.
 * Its format is @flyte/worker's bundle contract (see bundle-format.ts there).
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleEntrySource } from "@flyte/worker";
import { projectRootOf } from "flytekit/internal";

/**
 * Where the bundle's source map puts the project's files: flytekit maps a task error's frames
 * through it, so `src/wf.ts` appears as `/flyte-project/src/wf.ts`, printed as `src/wf.ts`.
 */
export const BUNDLE_SOURCE_ROOT = "file:///flyte-project/";

/** A built bundle. */
export interface CodeBundleFile {
  readonly bytes: Uint8Array;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  /** Module paths it contains, sorted. */
  readonly modules: readonly string[];
}

/** A module to put in the bundle: its dotted path and absolute file. */
export interface BundleModule {
  readonly module: string;
  readonly file: string;
}

/**
 * Bundles `modules` with the flytekit they import. `names` (module → export → entity name) are
 * the names registration gave, applied when the bundle is imported. The bytes depend only on the
 * code (paths are relative to the project root of the first module), not on the current directory.
 */
export async function buildBundle(modules: readonly BundleModule[], names: Readonly<Record<string, Readonly<Record<string, string>>>>): Promise<CodeBundleFile> {
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
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: "flyte-bundle-entry.js", loader: "js" },
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
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
    throw new Error(`could not bundle ${modules.map((m) => m.module).join(", ")}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const bytes = result.outputFiles[0]?.contents;
  if (bytes === undefined) throw new Error("esbuild produced no output");
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), modules: sorted.map((m) => m.module) };
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
