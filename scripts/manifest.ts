// The package.json of an installable package, derived from the workspace's: the repository's
// manifests point `exports` at the TypeScript sources (Node runs them in a checkout); the packed
// ones point at the JavaScript and declarations built into dist/.

/** The fields of a workspace package.json this build reads or rewrites. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly exports?: ExportsValue;
  readonly bin?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** A package.json `exports` value: a target path, or conditions / subpaths mapping to more. */
export type ExportsValue = string | { readonly [key: string]: ExportsValue };

/** Fields that only matter inside the repository. */
const REPOSITORY_ONLY = new Set(["scripts", "devDependencies", "files"]);

/**
 * Maps one export target from the sources to dist/: `./src/x.ts` becomes types + default
 * conditions, a pattern such as `./src/gen/*` (already JavaScript with declarations) moves as is.
 */
function distTarget(target: string, pkg: string): ExportsValue {
  if (!target.startsWith("./src/")) throw new Error(`${pkg}: export target '${target}' is not under ./src/; the build only knows how to map sources to dist/`);
  const rest = target.slice("./src/".length);
  if (rest.includes("*")) return `./dist/${rest}`;
  if (rest.endsWith(".ts") && !rest.endsWith(".d.ts")) {
    const stem = rest.slice(0, -".ts".length);
    return { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` };
  }
  throw new Error(`${pkg}: export target '${target}' is neither a .ts source nor a pattern`);
}

function mapExports(value: ExportsValue, pkg: string): ExportsValue {
  if (typeof value === "string") return distTarget(value, pkg);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapExports(inner, pkg)]));
}

/**
 * The installable manifest of `manifest`: exports into dist/, `files` limited to what is built,
 * `engines` as the package states it (else the repository root's), repository-only fields dropped. Dependencies are kept as
 * they are: workspace packages depend on each other by exact version, so tarballs installed
 * together resolve to each other.
 */
export function installableManifest(manifest: Manifest, engines: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (REPOSITORY_ONLY.has(key)) continue;
    out[key] = key === "exports" ? mapExports(value as ExportsValue, manifest.name) : value;
  }
  const binDirs = Object.values(manifest.bin ?? {}).map((path) => path.replace(/^\.\//, "").split("/")[0] ?? path);
  out["files"] = ["dist", ...new Set(binDirs)];
  out["engines"] ??= { ...engines };
  return out;
}
