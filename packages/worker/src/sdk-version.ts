/**
 * Which flytekit a code bundle needs. A bundle carries only the project's code: flytekit and the
 * packages flytekit depends on (zod, protobuf-es, the IDL, the engine, ...) are left out of it and
 * come from the worker's own installation. So the flytekit a bundle was built against (the
 * project's) and the worker's must agree on the API: the same major version, the worker's minor
 * at least the bundle's — and for 0.x versions, where a minor may break the API, the same minor.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** flytekit's package: where it is, its version and what it depends on. */
export interface FlytekitPackage {
  /** The package's folder. */
  readonly dir: string;
  readonly version: string;
  /** Names of its dependencies: what a bundle leaves to the worker besides flytekit itself. */
  readonly dependencies: readonly string[];
}

/**
 * The flytekit package that contains `file` (any file of it, e.g. the resolved
 * `flytekit/internal`): the nearest package.json above it named `flytekit`.
 */
export function flytekitPackageOf(file: string): FlytekitPackage {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown; version?: unknown; dependencies?: unknown };
      if (pkg.name === "flytekit" && typeof pkg.version === "string") {
        const deps = typeof pkg.dependencies === "object" && pkg.dependencies !== null ? Object.keys(pkg.dependencies) : [];
        return { dir, version: pkg.version, dependencies: deps.sort() };
      }
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of flytekit above ${file}: is flytekit installed (npm install flytekit)?`);
  }
}

let own: FlytekitPackage | undefined;

/** The flytekit this worker runs (resolved as its own code resolves `flytekit/internal`). */
export function workerFlytekit(): FlytekitPackage {
  own ??= flytekitPackageOf(fileURLToPath(import.meta.resolve("flytekit/internal")));
  return own;
}

/** `major.minor.patch` of a version (a pre-release tag is ignored), or undefined. */
function parts(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Why a worker with flytekit `worker` cannot run a bundle built against flytekit `bundle`, or
 * undefined when it can (see the module comment for the rule).
 */
export function sdkMismatch(bundle: string, worker: string): string | undefined {
  const b = parts(bundle);
  const w = parts(worker);
  if (b === undefined || w === undefined) return bundle === worker ? undefined : `unreadable versions (${bundle}, ${worker})`;
  if (b[0] !== w[0]) return `another major version`;
  if (b[0] === 0 && b[1] !== w[1]) return `another 0.x minor version (a 0.x minor may change the API)`;
  if (w[1] < b[1]) return `an older minor version than the bundle needs`;
  return undefined;
}
