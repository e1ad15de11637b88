/**
 * Module paths: how an entity's file becomes part of its default name. A file's project root is
 * the folder of the nearest `package.json` above it, so names depend only on where the file sits
 * in its project, never on the current directory or on which files a command was given.
 */
import { existsSync } from "node:fs";
import { dirname, relative, sep } from "node:path";

const roots = new Map<string, string>();

/**
 * The folder of the nearest `package.json` above `file` (an absolute path); the file's own folder
 * when there is none up to the file system's root.
 */
export function projectRootOf(file: string): string {
  const start = dirname(file);
  const known = roots.get(start);
  if (known !== undefined) return known;
  let dir = start;
  for (;;) {
    if (existsSync(`${dir}${sep}package.json`)) break;
    const parent = dirname(dir);
    if (parent === dir) {
      dir = start;
      break;
    }
    dir = parent;
  }
  roots.set(start, dir);
  return dir;
}

/**
 * `/proj/src/flows/etl.ts` → `src.flows.etl` when `/proj/package.json` exists: the path relative
 * to the project root, without extension, with dots for separators.
 */
export function modulePathOf(file: string): string {
  const rel = relative(projectRootOf(file), file);
  return rel.replace(/\.[cm]?[tj]s$/, "").split(sep).join(".");
}

/** `file` relative to its project root, for messages: `src/flows/etl.ts`. */
export function projectRelative(file: string): string {
  return relative(projectRootOf(file), file).split(sep).join("/");
}
