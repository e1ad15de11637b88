// Bundles a built package's dist/ JavaScript (scripts/build.ts) into a few files, so that an
// installed `flyte` loads tens of modules instead of hundreds: Node's per-module cost (resolving,
// reading package.json scopes, compiling) was most of a local `flyte run`'s start-up.
//
// Every file other code can reach keeps its path: each `exports` target, what the bin imports, and
// every module nothing imports (worker-thread entries, found by URL at run time). Code they share
// goes to dist/chunks/. Other packages stay external (each package keeps one copy of its module
// state: flytekit's registry, the engine's classes), and so do third-party ones. The .d.ts files
// are left as tsc wrote them.
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
export function bundleDist(dir: string, name: string, manifest: { exports?: unknown }, binFiles: readonly string[]): void {
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
  buildSync({
    entryPoints: [...entries],
    outdir: out,
    outbase: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external",
    chunkNames: "chunks/[name]-[hash]",
    // Names stay as written: errors and stack frames show them.
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
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
