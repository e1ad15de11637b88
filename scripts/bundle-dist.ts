// Bundles a built package's dist/ JavaScript (scripts/build.ts) into a few files, so that an
// installed `flyte` loads tens of modules instead of hundreds: Node's per-module cost (resolving,
// reading package.json scopes, compiling) was most of a local `flyte run`'s start-up.
//
// Every file other code can reach keeps its path: each `exports` target, what the bin imports, and
// every module nothing imports (worker-thread entries, found by URL at run time). Code they share
// goes to dist/chunks/. Other packages stay external (each package keeps one copy of its module
// state: flytekit's registry, the engine's classes), and so do third-party ones but Connect (see
// INLINED). The .d.ts files are left as tsc wrote them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { buildSync } from "esbuild";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Relative specifiers a module imports (static, dynamic or re-export), as files. */
function importedFiles(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\1/g)].map((m) => m[2]!);
  return specifiers.map((s) => resolve(dirname(file), s));
}

/** Export targets (`default` conditions and plain strings) of an installable manifest. */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return value.includes("*") ? [] : [value];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "types" ? [] : exportTargets(inner)));
}

/**
 * Third-party packages bundled into the packages that use them rather than loaded from
 * node_modules. Connect's index loads its router and all three protocols, 78 modules, on every
 * command that talks to a server; bundled, a `flyte run --remote` loads the few it uses as a
 * couple of chunks. Each package (cli, server, worker) gets its own copy: Connect keeps no
 * module state that crosses them, and `instanceof ConnectError` accepts another copy's errors.
 * Their peer `@bufbuild/protobuf` stays external: the messages' schemas come from `@flyte/idl`.
 */
const INLINED = ["@connectrpc/connect", "@connectrpc/connect-node"];

/** Names of the packages a manifest depends on (any kind but dev). */
function dependencyNames(manifest: Record<string, unknown>): string[] {
  const fields = ["dependencies", "peerDependencies", "optionalDependencies"].map((f) => manifest[f] as Record<string, string> | undefined);
  return [...new Set(fields.flatMap((deps) => Object.keys(deps ?? {})))];
}

/** Whether the bare specifier `path` names a package in {@link INLINED} (or a subpath of one). */
function inlined(path: string): boolean {
  return INLINED.some((name) => path === name || path.startsWith(`${name}/`));
}

/** Stands for a module's own URL between the two passes of {@link bundleDist}. */
const MODULE_URL = "__flyteModuleUrl";

/**
 * Code moved into a chunk would resolve `new URL("./x.js", import.meta.url)` from the chunk's
 * folder. Before bundling, each module's `import.meta.url` becomes a marker naming the module
 * (its path under dist/); after, each marker becomes that module's former URL, relative to the
 * file the code landed in.
 */
function markModuleUrls(files: readonly string[], dist: string): void {
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("import.meta.url")) continue;
    const own = relative(dist, file).split(sep).join("/");
    writeFileSync(file, text.replaceAll("import.meta.url", `${MODULE_URL}(${JSON.stringify(own)})`));
  }
}

function resolveModuleUrls(file: string, dist: string): string {
  return readFileSync(file, "utf8").replace(new RegExp(`${MODULE_URL}\\("([^"]+)"\\)`, "g"), (_, own: string) => {
    let rel = relative(dirname(file), join(dist, own)).split(sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
  });
}

/**
 * Bundles `<dir>/dist/**.js` of the package `name` in place. `manifest` is its installable
 * package.json; `binFiles` the files of its bin, whose `../dist/...` imports stay reachable.
 */
export function bundleDist(dir: string, name: string, manifest: { exports?: unknown; [field: string]: unknown }, binFiles: readonly string[]): void {
  const dist = join(dir, "dist");
  const files = walk(dist).filter((f) => f.endsWith(".js"));
  const imported = new Set(files.flatMap(importedFiles));
  const entries = new Set<string>(files.filter((f) => !imported.has(f)));
  for (const target of exportTargets(manifest.exports)) entries.add(resolve(dir, target));
  for (const bin of binFiles) {
    for (const m of readFileSync(bin, "utf8").matchAll(/["'](\.\.\/dist\/[^"']+\.js)["']/g)) entries.add(resolve(dirname(bin), m[1]!));
  }
  for (const entry of entries) if (!existsSync(entry)) throw new Error(`${name}: ${relative(dir, entry)} is an entry point but was not built`);
  const out = `${dist}.bundled`;
  rmSync(out, { recursive: true, force: true });
  markModuleUrls(files, dist);
  const result = buildSync({
    entryPoints: [...entries],
    outdir: out,
    outbase: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // The package's dependencies stay imports (node: builtins do anyway), but those INLINED.
    external: dependencyNames(manifest).filter((dep) => !inlined(dep)).flatMap((dep) => [dep, `${dep}/*`]),
    metafile: true,
    // INLINED packages come from the repository's node_modules, wherever the build folder is.
    nodePaths: [resolve(import.meta.dirname, "../node_modules")],
    chunkNames: "chunks/[name]-[hash]",
    // Names stay as written: errors and stack frames show them.
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
  // Anything else from node_modules in the bundle is a package the manifest does not list.
  for (const input of Object.keys(result.metafile.inputs)) {
    const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (dep !== undefined && !inlined(dep)) throw new Error(`${name}: the bundle would include ${dep} (${input}); add it to the package's dependencies`);
  }
  // The bundled files replace the JavaScript; declarations and other files stay.
  for (const file of files) rmSync(file);
  for (const file of walk(out)) {
    const target = join(dist, relative(out, file));
    mkdirSync(dirname(target), { recursive: true });
    const text = resolveModuleUrls(file, out);
    if (text.includes(MODULE_URL)) throw new Error(`${name}: ${relative(out, file)} still names ${MODULE_URL} after bundling`);
    writeFileSync(target, text);
  }
  rmSync(out, { recursive: true, force: true });
}
