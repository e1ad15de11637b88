/**
 * `flyte init DIR [--packages TARBALLS]`: scaffolds a project that uses flytekit and this CLI.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs, UsageError } from "../args.ts";
import { projectFiles } from "./init-templates.ts";

/** Usage text of `flyte init`. */
export const INIT_USAGE = `usage: flyte init DIR [--packages TARBALLS]

Creates a Flyte project in DIR (a new or empty folder): package.json, tsconfig.json, tasks in
src/tasks.ts, a workflow in src/workflow.ts, a test, and a README with the next commands.

options:
  --packages TARBALLS   a folder of tarballs made with \`npm run pack -- --out TARBALLS\` in the
                        flyte repository; the project depends on them (file: specs) instead of
                        on registry versions`;

/** The packages a project installs: the SDK, the CLI, and the workspace packages they depend on. */
const FLYTE_PACKAGES = ["flytekit", "@flyte/cli", "@flyte/idl", "@flyte/engine", "@flyte/server", "@flyte/worker", "@flyte/console"] as const;

/** The CLI's own manifest (src/commands/ in a checkout and dist/commands/ when installed sit at the same depth). */
function cliManifest(): { version: string; engines: { node: string } } {
  return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string; engines: { node: string } };
}

/** The file name `npm pack` gives a package: `@flyte/cli` 0.1.0 → `flyte-cli-0.1.0.tgz`. */
function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

/**
 * Dependency specs of the Flyte packages: exact registry versions, or `file:` specs of the
 * tarballs in `packagesDir`. Every sibling is listed so that npm resolves the packages' exact
 * dependencies on each other to the tarballs rather than to the registry.
 */
function flyteDependencies(version: string, projectDir: string, packagesDir: string | undefined): Record<string, string> {
  if (packagesDir === undefined) return { flytekit: version, "@flyte/cli": version };
  const missing = FLYTE_PACKAGES.filter((name) => !existsSync(join(packagesDir, tarballName(name, version))));
  if (missing.length > 0) {
    throw new Error(
      `--packages ${packagesDir} lacks ${missing.map((n) => tarballName(n, version)).join(", ")}; ` +
        "make them with `npm run pack -- --out DIR` in the flyte repository",
    );
  }
  return Object.fromEntries(FLYTE_PACKAGES.map((name) => [name, `file:${relative(projectDir, join(packagesDir, tarballName(name, version)))}`]));
}

/** A package name npm accepts, from a folder name. */
function packageNameOf(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name === "" ? "flyte-project" : name;
}

/** Runs the command; returns the exit code. */
export function initCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${INIT_USAGE}\n`);
    return Promise.resolve(0);
  }
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError("flyte init needs exactly one DIR, the folder to create the project in");
  for (const name of args.options.keys()) {
    if (name !== "packages") throw new UsageError(`unknown option --${name}`);
  }
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`cannot create a project in ${dir}: it is a file; pick a new folder`);
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? ", ..." : "");
      throw new Error(`cannot create a project in ${dir}: the folder is not empty (${shown}); pick a new or empty folder`);
    }
  }
  const packagesOption = args.options.get("packages")?.at(-1);
  const manifest = cliManifest();
  const files = projectFiles({
    name: packageNameOf(dir),
    flyteDependencies: flyteDependencies(manifest.version, dir, packagesOption === undefined ? undefined : resolve(packagesOption)),
    node: manifest.engines.node,
  });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const shown = relative(process.cwd(), dir) || ".";
  io.stdout.write(`created a Flyte project in ${shown}; next:\n  cd ${shown}\n  npm install\n  npx flyte run src/workflow.ts hello_wf --who Ada --json\n`);
  return Promise.resolve(0);
}
