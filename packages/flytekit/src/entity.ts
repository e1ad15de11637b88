/**
 * What every callable entity (task, workflow, launch plan, map, dynamic, eager, ...) shares, and the
 * link from the user-facing function to its definition.
 */
import { modulePathOf } from "./project.ts";
import type { Signature } from "./signature.ts";
import { callerFrame } from "./stack-frames.ts";

/** Where an entity was found when a file was loaded: used to name it and to find it in a worker. */
export interface EntityLocation {
  /** Module path relative to the project root, dotted, without extension: `examples.basics.workflow`. */
  readonly module: string;
  /** The export that holds the entity. */
  readonly exportName: string;
}

/**
 * Where a definition was made in the user's code: the innermost user frame of the call that made
 * it. Absent when no user frame was on the stack.
 */
export interface DefinitionSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A definition made while a dynamic task's body ran: a worker finds it again by running the
 * parent's body on the same inputs (see task-resolver.ts).
 */
export interface DynamicOrigin {
  readonly parent: CallableEntity;
  /** The parent's inputs, a serialized `LiteralMap` in base64. */
  readonly inputs: string;
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
  /** Where the definition was made (for naming and messages). */
  readonly definedAt?: DefinitionSite | undefined;
  /** Set on definitions made while a dynamic body ran. */
  origin?: DynamicOrigin;
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

/**
 * A provisional name for an entity defined without one: the defining module and the function's
 * name (or the kind and line when the function is anonymous). The loader replaces it with
 * `<module path>.<export name>`; it stays only in scripts that call entities without the CLI.
 */
export function provisionalName(kind: EntityKind, fn: { name: string }, site: DefinitionSite | undefined): string {
  const base = fn.name !== "" ? fn.name : `${kind}_L${site?.line ?? 0}`;
  return `${site !== undefined ? modulePathOf(site.file) : "main"}.${base}`;
}

/** The definition site of the entity being constructed: the innermost user frame. */
export function definitionSite(): DefinitionSite | undefined {
  const frame = callerFrame();
  return frame === undefined ? undefined : { file: frame.file, line: frame.line, column: frame.column };
}

/** How messages name an entity: "task 't1'", "workflow 'my_wf'". */
export function entityPhrase(entity: Pick<CallableEntity, "kind" | "name">): string {
  return `${entity.kind} '${entity.name}'`;
}
