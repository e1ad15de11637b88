/**
 * Loading user files for run / serialize / register: imports each file, finds the Flyte entities
 * it exports, and names the unnamed ones `<module path>.<export name>`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { definitionOf, modulePathOf, type CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";

/** An entity found in a loaded file. */
export interface LoadedEntity {
  readonly exportName: string;
  readonly file: string;
  /** The user-facing callable. */
  readonly callable: unknown;
  readonly definition: CallableEntity;
}

/**
 * Imports `files` (paths relative to `root`) and returns their entities in export order.
 * Two different entities with one name is an error naming both.
 */
export async function loadEntities(files: readonly string[], root: string = process.cwd()): Promise<LoadedEntity[]> {
  const found: LoadedEntity[] = [];
  const byName = new Map<string, LoadedEntity>();
  for (const file of files) {
    const path = resolve(root, file);
    if (!existsSync(path)) throw new FlyteError("E_LOAD", `file not found: ${file} (looked in ${path}).`);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof FlyteError) throw err;
      throw new FlyteError("E_LOAD", `could not load ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const module = modulePathOf(path, root);
    for (const [exportName, value] of Object.entries(exports)) {
      const definition = definitionOf(value);
      if (definition === undefined) continue;
      if (definition.location === undefined) definition.location = { module, exportName };
      if (!definition.nameIsExplicit) definition.name = `${module}.${exportName}`;
      const entity = { exportName, file, callable: value, definition };
      const previous = byName.get(definition.name);
      if (previous !== undefined && previous.definition !== definition) {
        throw new FlyteError(
          "E_DUPLICATE_NAME",
          `two entities are named '${definition.name}': export '${previous.exportName}' of ${previous.file} and export '${exportName}' of ${file}; give one of them another name.`,
        );
      }
      if (previous === undefined) {
        byName.set(definition.name, entity);
        found.push(entity);
      }
    }
  }
  return found;
}

/** Finds an entity by export name or entity name; the error lists what the file offers. */
export function findEntity(entities: readonly LoadedEntity[], wanted: string, files: readonly string[]): LoadedEntity {
  const hit = entities.find((e) => e.exportName === wanted) ?? entities.find((e) => e.definition.name === wanted);
  if (hit !== undefined) return hit;
  const offered = entities.map((e) => `${e.exportName} (${e.definition.kind})`).join(", ") || "none";
  throw new FlyteError("E_LOAD", `no task or workflow '${wanted}' in ${files.join(", ")}; found: ${offered}.`);
}
