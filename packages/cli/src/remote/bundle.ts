/**
 * Fast registration's code bundle: the user's files, flytekit and every other dependency in ONE
 * self-contained ESM file (esbuild), so a worker needs nothing but the file to run the tasks.
 * Its format is @flyte/worker's bundle contract (see bundle-format.ts there).
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleEntrySource, modulePathOf } from "@flyte/worker";

/** A built bundle. */
export interface CodeBundleFile {
  readonly bytes: Uint8Array;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  /** Module paths it contains, in the order given. */
  readonly modules: readonly string[];
}

/** Bundles `files` (relative to `root`, the project root) with the flytekit they import. */
export async function buildBundle(files: readonly string[], root: string = process.cwd()): Promise<CodeBundleFile> {
  const entries = files.map((f) => ({ module: modulePathOf(f, root), path: resolve(root, f) }));
  const source = bundleEntrySource(entries, flytekitRuntimePath(root));
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
    // CommonJS dependencies may `require` Node's modules; ESM has no `require` of its own.
    banner: { js: 'import { createRequire as __flyteCreateRequire } from "node:module"; const require = __flyteCreateRequire(import.meta.url);' },
  }).catch((err: unknown) => {
    throw new Error(`could not bundle ${files.join(", ")}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const bytes = result.outputFiles[0]?.contents;
  if (bytes === undefined) throw new Error("esbuild produced no output");
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), modules: entries.map((e) => e.module) };
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
