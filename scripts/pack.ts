// Builds the installable packages (scripts/build.ts) and packs each into a tarball with `npm pack`.
//
//   npm run pack -- --out DIR [--build-dir B]   # DIR defaults to build/tarballs, B to build/
//
// Install them together into any project: `npm install DIR/*.tgz` (they depend on each other by
// exact version, so npm links them to each other; zod and the other third-party dependencies come
// from the registry).
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILD_DIR, build } from "./build.ts";

/** One packed tarball. */
export interface PackedTarball {
  readonly name: string;
  /** Absolute path of the .tgz. */
  readonly path: string;
  readonly bytes: number;
}

/** npm itself: the one running this script when run through `npm run`, else the one on PATH. */
function npm(args: readonly string[], cwd: string): string {
  const cli = process.env["npm_execpath"];
  return cli !== undefined && cli.endsWith(".js")
    ? execFileSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8" })
    : execFileSync("npm", args, { cwd, encoding: "utf8" });
}

/** Builds every package (in `buildDir`, default build/) and packs it into `outDir`. */
export function pack(outDir: string, buildDir: string = BUILD_DIR): PackedTarball[] {
  const built = build(buildDir);
  mkdirSync(outDir, { recursive: true });
  return built.map((pkg) => {
    // --ignore-scripts: the built folder has no scripts, and nothing should run at pack time.
    const report = JSON.parse(npm(["pack", pkg.dir, "--pack-destination", outDir, "--json", "--ignore-scripts"], outDir)) as { filename: string }[];
    const filename = report[0]?.filename;
    if (filename === undefined) throw new Error(`npm pack ${pkg.dir} reported no tarball`);
    const path = join(outDir, filename);
    return { name: pkg.name, path, bytes: statSync(path).size };
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" }, "build-dir": { type: "string" } } });
  const outDir = resolve(values.out ?? join(BUILD_DIR, "tarballs"));
  const buildDir = resolve(values["build-dir"] ?? BUILD_DIR);
  for (const t of pack(outDir, buildDir)) process.stdout.write(`${t.name}\t${(t.bytes / 1024).toFixed(1)} kB\t${t.path}\n`);
}
