/**
 * Loading user files for run / serialize / register: imports each file, names the entities of
 * every project module they import (see naming.ts), and returns the entities the files export.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { definitionOf, type CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { loadError } from "./load-errors.ts";
import { allDefinitions, nameExports, requireStableNames, type ModuleNamespace } from "./naming.ts";
import { modulePathOf } from "./project.ts";
import { isFrameworkFile } from "./stack-frames.ts";

/** An entity found in a loaded file. */
export interface LoadedEntity {
  readonly exportName: string;
  readonly file: string;
  /** The user-facing callable. */
  readonly callable: unknown;
  readonly definition: CallableEntity;
}

/** A loaded project module: a given file, or a project file one of them imports that defines entities. */
export interface LoadedModule extends ModuleNamespace {
  /** Absolute path. */
  readonly file: string;
}

/** What {@link loadProject} found. */
export interface LoadedProject {
  /** The entities the given files export, in file and export order, each once. */
  readonly entities: LoadedEntity[];
  /** The given files' modules, then every other project module that defines entities, by path. */
  readonly modules: LoadedModule[];
}

/**
 * Imports `files` (paths relative to `cwd`), names the entities of every project module involved
 * and returns the entities the files export. Two different entities with one name is an error
 * naming both; so is a file that fails to load (with its position and a code frame).
 */
export async function loadProject(files: readonly string[], cwd: string = process.cwd()): Promise<LoadedProject> {
  loading++;
  try {
    return await load(files, cwd);
  } finally {
    loading--;
  }
}

/** Loads in progress: a file that calls an entity at its top level runs it while being imported. */
let loading = 0;

async function load(files: readonly string[], cwd: string): Promise<LoadedProject> {
  const given: LoadedModule[] = [];
  for (const file of files) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) throw new FlyteError("E_LOAD", `file not found: ${file} (looked in ${path}).`);
    given.push({ file: path, module: modulePathOf(path), namespace: await importFile(path, file) });
  }
  // Project files that define entities without being given (imported by a given file).
  const others = new Set<string>();
  for (const definition of allDefinitions()) {
    const file = definition.definedAt?.file;
    if (file !== undefined && !isFrameworkFile(file) && !given.some((m) => m.file === file) && existsSync(file)) others.add(file);
  }
  const imported: LoadedModule[] = [];
  for (const file of [...others].sort()) imported.push({ file, module: modulePathOf(file), namespace: await importFile(file, file) });
  const modules = [...given, ...imported];
  nameExports(modules);
  checkDuplicates(modules);
  // From now on names must be stable: serializing an entity that has none is an error.
  requireStableNames();
  const entities: LoadedEntity[] = [];
  const seen = new Set<CallableEntity>();
  for (const [i, m] of given.entries()) {
    for (const [exportName, value] of Object.entries(m.namespace)) {
      const definition = definitionOf(value);
      if (definition === undefined || seen.has(definition)) continue;
      seen.add(definition);
      entities.push({ exportName, file: files[i]!, callable: value, definition });
    }
  }
  return { entities, modules };
}

/**
 * For scripts that call entities without the CLI: names the exports of the project modules that
 * defined entities still unnamed, as {@link loadProject} would. The script being run (the main
 * module) is skipped: it is still running, so importing it would wait forever; its own unnamed
 * exports keep provisional names (`<module path>.<function name>`).
 */
export async function nameImportedModules(): Promise<void> {
  if (loading > 0) return;
  const main = process.argv[1] !== undefined ? resolve(process.argv[1]) : undefined;
  const files = new Set<string>();
  for (const definition of allDefinitions()) {
    const file = definition.definedAt?.file;
    if (definition.location === undefined && file !== undefined && file !== main && !isFrameworkFile(file) && existsSync(file)) files.add(file);
  }
  if (files.size === 0) return;
  const modules: LoadedModule[] = [];
  for (const file of [...files].sort()) {
    // A module whose top level is running this call cannot be imported until the call returns:
    // leave its entities with provisional names rather than wait for ever.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(r, 200, undefined)));
    const namespace = await Promise.race([importFile(file, file), late]).finally(() => clearTimeout(timer));
    if (namespace !== undefined) modules.push({ file, module: modulePathOf(file), namespace });
  }
  nameExports(modules);
}

/** {@link loadProject}'s entities. */
export async function loadEntities(files: readonly string[], cwd: string = process.cwd()): Promise<LoadedEntity[]> {
  return (await loadProject(files, cwd)).entities;
}

async function importFile(path: string, shown: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof FlyteError) throw err;
    throw loadError(shown, err);
  }
}

function checkDuplicates(modules: readonly LoadedModule[]): void {
  const byName = new Map<string, { definition: CallableEntity; where: string }>();
  for (const m of modules) {
    for (const [exportName, value] of Object.entries(m.namespace)) {
      const definition = definitionOf(value);
      if (definition === undefined) continue;
      const previous = byName.get(definition.name);
      const where = `export '${exportName}' of ${m.module}`;
      if (previous !== undefined && previous.definition !== definition) {
        throw new FlyteError(
          "E_DUPLICATE_NAME",
          `two entities are named '${definition.name}': ${previous.where} and ${where}; give one of them another name.`,
        );
      }
      if (previous === undefined) byName.set(definition.name, { definition, where });
    }
  }
}

/** Finds an entity by export name or entity name; the error lists what the file offers. */
export function findEntity(entities: readonly LoadedEntity[], wanted: string, files: readonly string[]): LoadedEntity {
  const hit = entities.find((e) => e.exportName === wanted) ?? entities.find((e) => e.definition.name === wanted);
  if (hit !== undefined) return hit;
  const offered = entities.map((e) => `${e.exportName} (${e.definition.kind})`).join(", ") || "none";
  throw new FlyteError("E_LOAD", `no task or workflow '${wanted}' in ${files.join(", ")}; found: ${offered}.`);
}
