// Ships protobuf-es inside @flyte/idl as a few bundled files, holding only what the installed
// packages import from it, and points every installed package's `@bufbuild/protobuf` imports at
// them. From node_modules, protobuf-es is 66 modules on every command (resolving them was about a
// quarter of a local `flyte run`'s CPU with the rest of its modules), and its index loads the
// well-known types' index, which builds the descriptors of all 14 of them although the IDL uses
// three (timestamp, duration, struct). Bundled from the names actually imported, esbuild drops the
// rest (protobuf-es marks its descriptors pure and its package side-effect free).
//
// One copy for every installed package: messages and descriptors cross packages (the IDL's
// schemas, the engine's and flytekit's messages, Connect's codecs in cli/server/worker).
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { buildSync } from "esbuild";

/** The package bundled, and the subpaths of it that the installed code may import. */
const PROTOBUF = "@bufbuild/protobuf";
const SUBPATHS = ["", "codegenv2", "reflect", "wire", "wkt"] as const;

/** Where the bundle lives inside @flyte/idl, and the specifier other packages import it by. */
const DIST_FOLDER = "protobuf";
const SELF = "@flyte/idl/protobuf";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `import { a, b as c } from "@bufbuild/protobuf/x"` and `export { ... } from` (static only). */
const IMPORT = /\b(import|export)\s*\{([^}]*)\}\s*from\s*(["'])@bufbuild\/protobuf(?:\/([a-z0-9]+))?\3/g;
/** Any other form that names the package: a namespace or default import, a dynamic import. */
const OTHER = /(?:\bimport\s*\(\s*|\bimport\s+[\w$*][^;{]*?\bfrom\s*|\bimport\s*)(["'])@bufbuild\/protobuf/;

/** The names each subpath must export, from every JavaScript file under `dirs`. */
function importedNames(files: readonly string[]): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>(SUBPATHS.map((s) => [s, new Set<string>()]));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes(PROTOBUF)) continue;
    const rest = text.replace(IMPORT, (_, _kind: string, list: string, _q: string, sub: string | undefined) => {
      const set = names.get(sub ?? "");
      if (set === undefined) throw new Error(`${file}: imports ${PROTOBUF}/${sub}, which scripts/bundle-protobuf.ts does not bundle; add it to SUBPATHS`);
      for (const item of list.split(",").map((s) => s.trim()).filter((s) => s !== "")) set.add(item.split(/\s+as\s+/)[0]!.trim());
      return "";
    });
    if (OTHER.test(rest)) throw new Error(`${file}: imports ${PROTOBUF} other than by named static imports; scripts/bundle-protobuf.ts cannot tell which names it needs`);
  }
  return names;
}

/** The file a subpath's bundle is written to, under dist/protobuf/. */
function entryName(sub: string): string {
  return sub === "" ? "index" : sub;
}

/**
 * Bundles protobuf-es into `<idlDir>/dist/protobuf/` (exported as `@flyte/idl/protobuf/*`) with
 * the names the JavaScript of `packageDirs` imports, then rewrites those imports to it: relative
 * inside the IDL package, `@flyte/idl/protobuf/<subpath>` elsewhere. Returns the number of
 * imports rewritten.
 */
export function bundleProtobuf(idlDir: string, packageDirs: readonly string[]): number {
  const files = packageDirs.flatMap((dir) => walk(join(dir, "dist")).filter((f) => f.endsWith(".js")));
  const names = importedNames(files);
  const out = join(idlDir, "dist", DIST_FOLDER);
  const entries = join(out, ".entries");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(entries, { recursive: true });
  const entryPoints = SUBPATHS.map((sub) => {
    const path = join(entries, `${entryName(sub)}.js`);
    const list = [...(names.get(sub) ?? [])].sort();
    writeFileSync(path, list.length === 0 ? "export {};\n" : `export { ${list.join(", ")} } from "${sub === "" ? PROTOBUF : `${PROTOBUF}/${sub}`}";\n`);
    return path;
  });
  buildSync({
    entryPoints,
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // From the repository's node_modules, wherever the build folder is (as INLINED in bundle-dist.ts).
    nodePaths: [resolve(import.meta.dirname, "../node_modules")],
    chunkNames: "chunk-[hash]",
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
  rmSync(entries, { recursive: true, force: true });

  let rewritten = 0;
  const idlDist = join(idlDir, "dist");
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes(PROTOBUF)) continue;
    const inIdl = !relative(idlDist, file).startsWith("..");
    const fixed = text.replace(IMPORT, (whole: string, _kind: string, _list: string, quote: string, sub: string | undefined) => {
      let target: string;
      if (inIdl) {
        target = relative(dirname(file), join(out, `${entryName(sub ?? "")}.js`)).split(sep).join("/");
        if (!target.startsWith(".")) target = `./${target}`;
      } else {
        target = `${SELF}/${entryName(sub ?? "")}`;
      }
      rewritten++;
      return whole.replace(/(["'])@bufbuild\/protobuf(?:\/[a-z0-9]+)?\1$/, `${quote}${target}${quote}`);
    });
    writeFileSync(file, fixed);
  }
  return rewritten;
}

/** The `exports` entry @flyte/idl's installable manifest gains for the bundle. */
export const PROTOBUF_EXPORTS = { [`./${DIST_FOLDER}/*`]: `./dist/${DIST_FOLDER}/*.js` } as const;
