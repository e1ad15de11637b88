/**
 * The files a command line names: files as given, and folders expanded (as `pyflyte register
 * DIR`) to every module under them — `.ts`, `.mts`, `.js`, `.mjs` — skipping `node_modules`,
 * `dist`, hidden folders, tests (`*.test.*`) and declaration files (`*.d.ts`).
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const MODULE = /\.(?:[cm]?ts|m?js)$/;
const SKIPPED_FILE = /\.d\.[cm]?ts$|\.test\.[cm]?[tj]s$/;
const SKIPPED_DIR = new Set(["node_modules", "dist"]);

/**
 * `paths` (relative to `cwd`) with each folder replaced by the modules under it, sorted; files
 * that do not exist are kept (the loader reports them). Each file appears once.
 */
export function expandPaths(paths: readonly string[], cwd: string = process.cwd()): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    const abs = resolve(cwd, file);
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push(file);
    }
  };
  for (const path of paths) {
    const abs = resolve(cwd, path);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // Missing: left to the loader, which names it.
    }
    if (!isDir) {
      add(path);
      continue;
    }
    for (const file of modulesUnder(abs)) add(relative(cwd, file) || file);
  }
  return out;
}

function modulesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith(".")) continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIR.has(entry.name)) walk(full);
      } else if (MODULE.test(entry.name) && !SKIPPED_FILE.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found;
}
