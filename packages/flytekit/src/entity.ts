/**
 * What every callable entity (task, workflow; later launch plan, dynamic, eager) shares, and the
 * link from the user-facing function to its definition.
 */
import { fileURLToPath } from "node:url";
import type { Signature } from "./signature.ts";

/** Where an entity was found when a file was loaded: used to name it and to find it in a worker. */
export interface EntityLocation {
  /** Module path relative to the project root, dotted, without extension: `examples.basics.workflow`. */
  readonly module: string;
  /** The export that holds the entity. */
  readonly exportName: string;
}

/** Kinds of entities. */
export type EntityKind = "task" | "workflow" | "launchPlan" | "conditional" | "mapTask" | "gate";

/** The definition behind a callable entity. */
export interface CallableEntity {
  readonly kind: EntityKind;
  /** Fully qualified name; derived from the location when not given (see the loader). */
  name: string;
  /** Whether `name` was given by the user (then the loader keeps it). */
  readonly nameIsExplicit: boolean;
  readonly signature: Signature;
  location?: EntityLocation;
}

const DEFINITION: unique symbol = Symbol.for("flytekit.definition") as never;

/** Links a user-facing function to its definition. */
export function attachDefinition<F extends object>(fn: F, definition: CallableEntity): F {
  Object.defineProperty(fn, DEFINITION, { value: definition });
  return fn;
}

/** The definition behind `value`, if it is a Flyte entity. */
export function definitionOf(value: unknown): CallableEntity | undefined {
  if ((typeof value === "function" || typeof value === "object") && value !== null && DEFINITION in value) {
    return (value as { [DEFINITION]: CallableEntity })[DEFINITION];
  }
  return undefined;
}

let anonymousCount = 0;

/**
 * A provisional name for an entity defined without one: the defining module and the function's
 * name. The loader replaces it with `<module path>.<export name>`.
 */
export function provisionalName(kind: EntityKind, fn: { name: string }): string {
  const base = fn.name !== "" ? fn.name : `${kind}${anonymousCount++}`;
  return `${definingModule() ?? "main"}.${base}`;
}

/**
 * flytekit's own folder (src/ in a checkout, dist/ when installed from a package), whose stack
 * frames are the SDK's, not the user's; undefined when flytekit is bundled into one file with the
 * user's code (a worker's code bundle), where no frame is the SDK's alone.
 */
const SDK_DIR = /\/entity\.[jt]s$/.test(import.meta.url) ? fileURLToPath(new URL(".", import.meta.url)) : undefined;

/** Best effort: the file that called task()/workflow(), from the stack, as a dotted module path. */
function definingModule(): string | undefined {
  const stack = new Error().stack?.split("\n") ?? [];
  for (const line of stack.slice(1)) {
    const m = /\((?:file:\/\/)?([^():]+\.[cm]?[tj]s):\d+:\d+\)$|at (?:file:\/\/)?([^():]+\.[cm]?[tj]s):\d+:\d+$/.exec(line.trim());
    const file = m?.[1] ?? m?.[2];
    if (file !== undefined && (SDK_DIR === undefined || !file.startsWith(SDK_DIR))) {
      return modulePathOf(file);
    }
  }
  return undefined;
}

/** `/root/proj/examples/basics/workflow.ts` → `examples.basics.workflow` (relative to the working directory). */
export function modulePathOf(file: string, root: string = process.cwd()): string {
  const rel = file.startsWith(root + "/") ? file.slice(root.length + 1) : file.replace(/^\/+/, "");
  return rel.replace(/\.[cm]?[tj]s$/, "").split("/").join(".");
}

/** How messages name an entity: "task 't1'", "workflow 'my_wf'". */
export function entityPhrase(entity: Pick<CallableEntity, "kind" | "name">): string {
  return `${entity.kind} '${entity.name}'`;
}
