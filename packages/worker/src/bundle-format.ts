/**
 * The code bundle contract shared by `flyte register` (which writes bundles) and the worker (which
 * runs them): one ESM file that starts with the line {@link bundleHeader} and exports
 *
 * - `format`: {@link BUNDLE_FORMAT};
 * - `modules`: every registered file's namespace, keyed by dotted module path;
 * - `runtime`: flytekit's internal API.
 *
 * The file holds the project's code and the packages it uses, but not flytekit nor flytekit's own
 * dependencies: it imports those by bare name, and the worker resolves them from its own
 * installation (bundle-resolution.ts), after checking from the header that the flytekit the
 * bundle was built against is compatible with its own (sdk-version.ts). The user's code, the
 * entry's `runtime` and the worker then share one copy of the SDK, which matters: entities are
 * recognized with `instanceof` and module-private symbols, which only hold within one copy.
 *
 * Format 2 bundles (self-contained, with their own flytekit, no header) still run.
 */
import type * as Internal from "flytekit/internal";

/** Version of the bundle layout; a worker refuses bundles of other formats (2 aside). */
export const BUNDLE_FORMAT = 3;

/** The self-contained layout before {@link BUNDLE_FORMAT}: still run, with the bundle's own flytekit. */
export const SELF_CONTAINED_BUNDLE_FORMAT = 2;

/** What the first line of a bundle says. */
export interface BundleHeader {
  readonly format: number;
  /** The version of the flytekit the bundle was built against. */
  readonly flytekit: string;
}

const HEADER_PREFIX = "// flyte-bundle ";

/** The first line of a bundle built against flytekit `flytekitVersion` (no newline). */
export function bundleHeader(flytekitVersion: string): string {
  return `${HEADER_PREFIX}${JSON.stringify({ format: BUNDLE_FORMAT, flytekit: flytekitVersion } satisfies BundleHeader)}`;
}

/** The header on the first line of `text` (a bundle's start), or undefined when it has none. */
export function parseBundleHeader(text: string): BundleHeader | undefined {
  const line = text.split("\n", 1)[0] ?? "";
  if (!line.startsWith(HEADER_PREFIX)) return undefined;
  try {
    const value = JSON.parse(line.slice(HEADER_PREFIX.length)) as Partial<BundleHeader>;
    return typeof value.format === "number" && typeof value.flytekit === "string" ? { format: value.format, flytekit: value.flytekit } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The part of flytekit's internal API a worker uses. `InProcessTaskRunner.run` takes the engine's
 * `TaskRunRequest`; for eager tasks the worker sets its `eager` controller (remote-eager.ts).
 */
export type BundleRuntime = Pick<typeof Internal, "definitionOf" | "InProcessTaskRunner" | "resolveTask" | "referenceFromArgs">;

/** A bundle once imported. */
export interface CodeBundle {
  readonly format: number;
  readonly modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly runtime: BundleRuntime;
}

/**
 * The source of a bundle's entry module: the header for flytekit `flytekitVersion`, imports of
 * `files` (absolute paths) and of the runtime (`runtime`: `flytekit/internal`, or a path to it),
 * exports them as {@link CodeBundle}, and names the entities as registration did (`names`: for
 * each module, export name → entity name), so the worker's names match the registered ones.
 */
export function bundleEntrySource(
  files: ReadonlyArray<{ readonly module: string; readonly path: string }>,
  runtime: string,
  names: Readonly<Record<string, Readonly<Record<string, string>>>>,
  flytekitVersion: string,
): string {
  const lines = [bundleHeader(flytekitVersion), `import * as runtime from ${JSON.stringify(runtime)};`];
  files.forEach((f, i) => lines.push(`import * as m${i} from ${JSON.stringify(f.path)};`));
  lines.push(`export const format = ${BUNDLE_FORMAT};`);
  lines.push(`export const modules = {`);
  files.forEach((f, i) => lines.push(`  ${JSON.stringify(f.module)}: m${i},`));
  lines.push(`};`);
  lines.push(`runtime.applyNames(Object.entries(modules).map(([module, namespace]) => ({ module, namespace })), ${JSON.stringify(names)});`);
  lines.push(`export { runtime };`);
  return `${lines.join("\n")}\n`;
}
