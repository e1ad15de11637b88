/**
 * Stable default names. Every task, workflow and launch plan made in this copy of the SDK is
 * remembered here, so that loading a file can name the entities of every project module it
 * imports, and a worker can find a task that is not exported.
 *
 * The rule (docs/cli.md, "Names"): an entity with a `name` keeps it; an exported one is named
 * `<module path>.<export name>`, the module being the one that defines it when it exports it,
 * else the first (by module path, then export name) that exports it; one made while a dynamic
 * body runs is named after the dynamic task and its order in the body. Any other entity has no
 * stable name: once files are loaded by the CLI (or a worker), serializing it is an error that
 * says where it is defined and how to name it.
 */
import { definitionOf, type CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { modulePathOf, projectRelative } from "./project.ts";

const registry: CallableEntity[] = [];
let strict = false;

/** Remembers a definition (called by the constructors of named kinds). */
export function rememberDefinition(definition: CallableEntity): void {
  registry.push(definition);
}

/** How many definitions were made so far; with {@link definitionsSince}, those made by a step. */
export function definitionCount(): number {
  return registry.length;
}

/** The definitions made since `count` was read. */
export function definitionsSince(count: number): readonly CallableEntity[] {
  return registry.slice(count);
}

/**
 * Forgets the definitions made since `count` was read: a dynamic body's tasks are found again by
 * running the body (task-reference.ts), so a long-running worker does not keep every one.
 */
export function forgetDefinitionsSince(count: number): void {
  registry.length = Math.min(registry.length, count);
}

/** Every definition made so far, oldest first. */
export function allDefinitions(): readonly CallableEntity[] {
  return registry;
}

/**
 * Turns on the check of {@link stableName}: from now on entities are serialized for registration
 * or a worker, where a name must mean the same thing on every machine.
 */
export function requireStableNames(): void {
  strict = true;
}

/**
 * The name `definition` is serialized under; throws when it has no stable name (neither given,
 * nor derived from an export or a dynamic parent) and stable names are required.
 */
export function stableName(definition: CallableEntity): string {
  if (!strict || definition.nameIsExplicit || definition.location !== undefined || definition.origin !== undefined) return definition.name;
  const site = definition.definedAt;
  const where = site !== undefined ? ` defined at ${projectRelative(site.file)}:${site.line}:${site.column}` : "";
  const call = { task: "task", workflow: "workflow", launchPlan: "launchPlan" }[definition.kind as "task" | "workflow" | "launchPlan"] ?? definition.kind;
  throw new FlyteError(
    "E_UNNAMED_ENTITY",
    `the ${definition.kind}${where} has no stable name: it is not exported and has no name. ` +
      `Export it from its module (it is then named <module path>.<export name>) or give it a name: ${call}({ name: "...", ... }).`,
  );
}

/** One loaded module: its dotted path and namespace. */
export interface ModuleNamespace {
  readonly module: string;
  readonly namespace: Readonly<Record<string, unknown>>;
}

/**
 * Names the unnamed exported entities of `modules` and sets the location of every exported one
 * (where a worker finds it), by the rule above. Deterministic: the result depends on the modules'
 * paths and exports only, not on their order.
 */
export function nameExports(modules: readonly ModuleNamespace[]): void {
  const exporters = new Map<CallableEntity, Array<{ module: string; exportName: string }>>();
  for (const { module, namespace } of modules) {
    for (const [exportName, value] of Object.entries(namespace)) {
      const definition = definitionOf(value);
      if (definition === undefined) continue;
      let list = exporters.get(definition);
      if (list === undefined) exporters.set(definition, (list = []));
      list.push({ module, exportName });
    }
  }
  for (const [definition, list] of exporters) {
    if (definition.location !== undefined) continue;
    const definer = definition.definedAt !== undefined ? modulePathOf(definition.definedAt.file) : undefined;
    const sorted = [...list].sort((a, b) => (a.module === b.module ? cmp(a.exportName, b.exportName) : cmp(a.module, b.module)));
    const chosen = sorted.find((e) => e.module === definer) ?? sorted[0]!;
    definition.location = chosen;
    if (!definition.nameIsExplicit) definition.name = `${chosen.module}.${chosen.exportName}`;
  }
}

/**
 * Applies names computed elsewhere (a code bundle carries the names registration gave): for each
 * module, export name → entity name.
 */
export function applyNames(modules: readonly ModuleNamespace[], names: Readonly<Record<string, Readonly<Record<string, string>>>>): void {
  requireStableNames();
  for (const { module, namespace } of modules) {
    for (const [exportName, name] of Object.entries(names[module] ?? {})) {
      const definition = definitionOf(namespace[exportName]);
      if (definition === undefined || definition.location !== undefined) continue;
      definition.location = { module, exportName };
      if (!definition.nameIsExplicit) definition.name = name;
    }
  }
}

/**
 * The names {@link applyNames} takes, read from named modules: where each entity is exported.
 * Keys are sorted, so the same code gives the same table whatever order the modules came in.
 */
export function namesOf(modules: readonly ModuleNamespace[]): Record<string, Record<string, string>> {
  const found: Array<[string, string, string]> = [];
  for (const { namespace } of modules) {
    for (const value of Object.values(namespace)) {
      const definition = definitionOf(value);
      const location = definition?.location;
      if (definition !== undefined && location !== undefined) found.push([location.module, location.exportName, definition.name]);
    }
  }
  found.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  const names: Record<string, Record<string, string>> = {};
  for (const [module, exportName, name] of found) (names[module] ??= {})[exportName] = name;
  return names;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
