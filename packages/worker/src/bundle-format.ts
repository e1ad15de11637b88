/**
 * The code bundle contract shared by `flyte register` (which writes bundles) and the worker (which
 * runs them): one self-contained ESM file exporting
 *
 * - `format`: {@link BUNDLE_FORMAT};
 * - `modules`: every registered file's namespace, keyed by dotted module path;
 * - `runtime`: the bundle's own copy of flytekit's internal API.
 *
 * The worker runs tasks with the bundle's flytekit, not its own: entities are recognized with
 * `instanceof` and module-private symbols, which only hold within one copy of the SDK.
 */
import type * as Internal from "flytekit/internal";

/** Version of the bundle layout; a worker refuses bundles of another format. */
export const BUNDLE_FORMAT = 2;

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
 * The source of a bundle's entry module: imports `files` (absolute paths) and the runtime,
 * exports them as {@link CodeBundle}, and names the entities as registration did (`names`: for
 * each module, export name → entity name), so the worker's names match the registered ones.
 */
export function bundleEntrySource(
  files: ReadonlyArray<{ readonly module: string; readonly path: string }>,
  runtimePath: string,
  names: Readonly<Record<string, Readonly<Record<string, string>>>>,
): string {
  const lines = [`import * as runtime from ${JSON.stringify(runtimePath)};`];
  files.forEach((f, i) => lines.push(`import * as m${i} from ${JSON.stringify(f.path)};`));
  lines.push(`export const format = ${BUNDLE_FORMAT};`);
  lines.push(`export const modules = {`);
  files.forEach((f, i) => lines.push(`  ${JSON.stringify(f.module)}: m${i},`));
  lines.push(`};`);
  lines.push(`runtime.applyNames(Object.entries(modules).map(([module, namespace]) => ({ module, namespace })), ${JSON.stringify(names)});`);
  lines.push(`export { runtime };`);
  return `${lines.join("\n")}\n`;
}
