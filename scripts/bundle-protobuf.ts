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
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { buildSync } from "esbuild";

/** The package bundled, and the subpaths of it that the installed code may import. */
const PROTOBUF = "@bufbuild/protobuf";
const SUBPATHS = ["", "codegenv2", "reflect", "wire", "wkt"] as const;

/** The bundle's file inside @flyte/idl, and the specifier other packages import it by. */
const DIST_FILE = "protobuf.js";
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

/**
 * Bundles protobuf-es into `<idlDir>/dist/protobuf.js` (exported as `@flyte/idl/protobuf`) with
 * the names the JavaScript of `packageDirs` imports from any of its subpaths, then rewrites those
 * imports to it: relative inside the IDL package, `@flyte/idl/protobuf` elsewhere. One file, not
 * one per subpath: the subpaths share most of their code, and esbuild would split it into chunks,
 * each one more module to resolve. Returns the number of imports rewritten.
 */
export function bundleProtobuf(idlDir: string, packageDirs: readonly string[]): number {
  const files = packageDirs.flatMap((dir) => walk(join(dir, "dist")).filter((f) => f.endsWith(".js")));
  const names = importedNames(files);
  // One namespace for all subpaths: a name two subpaths export would be ambiguous.
  const owner = new Map<string, string>();
  for (const [sub, set] of names) {
    for (const name of set) {
      const other = owner.get(name);
      if (other !== undefined && other !== sub) throw new Error(`${PROTOBUF}: '${name}' is imported from both '${other}' and '${sub}'; scripts/bundle-protobuf.ts merges the subpaths into one namespace`);
      owner.set(name, sub);
    }
  }
  const idlDist = join(idlDir, "dist");
  const out = join(idlDist, DIST_FILE);
  const entry = join(idlDist, ".protobuf-entry.js");
  writeFileSync(
    entry,
    SUBPATHS.filter((sub) => (names.get(sub)?.size ?? 0) > 0)
      .map((sub) => `export { ${[...names.get(sub)!].sort().join(", ")} } from "${sub === "" ? PROTOBUF : `${PROTOBUF}/${sub}`}";\n`)
      .join(""),
  );
  try {
    buildSync({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node22",
      // From the repository's node_modules, wherever the build folder is (as INLINED in bundle-dist.ts).
      nodePaths: [resolve(import.meta.dirname, "../node_modules")],
      keepNames: true,
      legalComments: "none",
      logLevel: "warning",
    });
  } finally {
    rmSync(entry, { force: true });
  }

  let rewritten = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes(PROTOBUF)) continue;
    let target = SELF;
    if (!relative(idlDist, file).startsWith("..")) {
      target = relative(dirname(file), out).split(sep).join("/");
      if (!target.startsWith(".")) target = `./${target}`;
    }
    const fixed = text.replace(IMPORT, (whole: string, _kind: string, _list: string, quote: string) => {
      rewritten++;
      return whole.replace(/(["'])@bufbuild\/protobuf(?:\/[a-z0-9]+)?\1$/, `${quote}${target}${quote}`);
    });
    writeFileSync(file, fixed);
  }
  return rewritten;
}

/** The `exports` entry @flyte/idl's installable manifest gains for the bundle. */
export const PROTOBUF_EXPORTS = { "./protobuf": `./dist/${DIST_FILE}` } as const;
