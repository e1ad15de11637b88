// Builds the installable form of every workspace package into build/packages/<dir>/: JavaScript and
// .d.ts compiled from src/ into dist/, the generated IDL copied beside them, the CLI's bin, and a
// package.json whose `exports` point at dist/. The repository itself never needs this (Node runs
// the TypeScript sources); it exists for `npm run pack` and for users outside the repository,
// whose Node refuses to strip types of files under node_modules.
//
//   node scripts/build.ts            # build/packages/<dir>/ for every workspace package
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { bundleDist } from "./bundle-dist.ts";
import { bundleProtobuf, PROTOBUF_EXPORTS } from "./bundle-protobuf.ts";
import { installableManifest, type Manifest } from "./manifest.ts";

const ROOT = resolve(import.meta.dirname, "..");
/** Where the installable packages are assembled (gitignored). */
export const BUILD_DIR = join(ROOT, "build");

/** One workspace package, as built. */
export interface BuiltPackage {
  /** The package's name, e.g. `flytekit`. */
  readonly name: string;
  /** Its installable folder under build/packages/. */
  readonly dir: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * Declaration files keep the sources' `.ts` specifiers (tsc rewrites them in JavaScript only);
 * a user's tsc would then look for .ts files that are not shipped. Point them at the `.js`
 * files, beside which the `.d.ts` files sit.
 */
function rewriteDeclarationSpecifiers(dir: string): void {
  for (const file of walk(dir).filter((f) => f.endsWith(".d.ts"))) {
    const text = readFileSync(file, "utf8");
    const fixed = text.replace(/((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.(m?)ts\2/g, "$1$2$3.$4js$2");
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

/**
 * tsc rewrites `.ts` in import specifiers, not in other strings: a `new URL("./x.ts",
 * import.meta.url)` (a worker thread's or child process's entry) would name a file dist/ lacks.
 * Fails the build naming the file, rather than the installed package at run time.
 */
function checkNoSourcePaths(dir: string): void {
  for (const file of walk(dir).filter((f) => f.endsWith(".js"))) {
    const m = /new URL\(\s*["'`](\.{1,2}\/[^"'`]*\.m?ts)["'`]/.exec(readFileSync(file, "utf8"));
    if (m !== null) {
      throw new Error(`${file}: new URL("${m[1]}", ...) names a .ts source, which the installed package does not ship; point at a file that exists in both (e.g. a .js entry) or derive the extension from import.meta.url`);
    }
  }
}

/**
 * A package of built static files (the console: no `exports`, nothing for Node to import): built
 * with its own `build` script (Vite) and shipped as its dist/ folder, without its devDependencies.
 */
function buildStatic(source: string, out: string, manifest: Manifest, engines: Record<string, string>): void {
  execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: source, stdio: "inherit" });
  cpSync(join(source, "dist"), join(out, "dist"), { recursive: true });
  writeFileSync(join(out, "package.json"), `${JSON.stringify(installableManifest(manifest, engines), null, 2)}\n`);
}

/**
 * Compiles every package and assembles `<buildDir>/packages/`; returns the packages in workspace
 * order. `buildDir` (default build/) is emptied first.
 */
export function build(buildDir: string = BUILD_DIR): BuiltPackage[] {
  const tscOut = join(buildDir, "tsc");
  rmSync(buildDir, { recursive: true, force: true });
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", tscOut], { cwd: ROOT, stdio: "inherit" });

  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[]; engines: Record<string, string> };
  const built = root.workspaces.map((workspace) => {
    const source = join(ROOT, workspace);
    const base = workspace.split("/").pop() ?? workspace;
    const out = join(buildDir, "packages", base);
    mkdirSync(out, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as Manifest;
    if (manifest.exports === undefined) {
      buildStatic(source, out, manifest, root.engines);
      return { name: manifest.name, dir: out, code: false };
    }
    cpSync(join(tscOut, base, "src"), join(out, "dist"), { recursive: true });
    // Generated protobuf-es code is JavaScript with declarations already: shipped as is.
    if (existsSync(join(source, "src/gen"))) cpSync(join(source, "src/gen"), join(out, "dist/gen"), { recursive: true });
    // Files the code reads beside itself (anything but sources, docs and test data) ship too.
    for (const file of walk(join(source, "src")).filter((f) => !/\.(ts|md)$/.test(f) && !/\/(gen|testdata)\//.test(f))) {
      const target = join(out, "dist", relative(join(source, "src"), file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
    rewriteDeclarationSpecifiers(join(out, "dist"));
    checkNoSourcePaths(join(out, "dist"));
    for (const bin of Object.values(manifest.bin ?? {})) {
      mkdirSync(dirname(join(out, bin)), { recursive: true });
      cpSync(join(source, bin), join(out, bin));
    }
    for (const doc of ["README.md", "LICENSE"]) {
      if (existsSync(join(source, doc))) cpSync(join(source, doc), join(out, doc));
    }
    const installable = installableManifest(manifest, root.engines);
    // The IDL's generated files are reached one by one (`@flyte/idl/gen/*`): they stay as they are.
    if (!existsSync(join(source, "src/gen"))) bundleDist(out, manifest.name, installable, Object.values(manifest.bin ?? {}).map((bin) => join(out, bin)));
    writeFileSync(join(out, "package.json"), `${JSON.stringify(installable, null, 2)}\n`);
    return { name: manifest.name, dir: out, code: true };
  });
  // One bundled copy of protobuf-es, inside @flyte/idl, for every package (scripts/bundle-protobuf.ts).
  const idl = built.find((p) => p.name === "@flyte/idl");
  if (idl === undefined) throw new Error("no @flyte/idl among the workspaces: nowhere to put protobuf-es");
  bundleProtobuf(idl.dir, built.filter((p) => p.code).map((p) => p.dir));
  const idlManifest = JSON.parse(readFileSync(join(idl.dir, "package.json"), "utf8")) as { exports: Record<string, unknown> };
  idlManifest.exports = { ...idlManifest.exports, ...PROTOBUF_EXPORTS };
  writeFileSync(join(idl.dir, "package.json"), `${JSON.stringify(idlManifest, null, 2)}\n`);
  return built.map(({ name, dir }) => ({ name, dir }));
}

if (import.meta.main) {
  const start = performance.now();
  const built = build();
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  process.stdout.write(`built ${built.map((p) => p.name).join(", ")} into ${join(BUILD_DIR, "packages")} in ${seconds} s\n`);
}
