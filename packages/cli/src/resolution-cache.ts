/**
 * Module resolutions of the installed CLI, kept on disk beside Node's compile cache. A command
 * resolves the same ~150 imports on every start (zod's ~95 modules, the CLI, flytekit, the
 * engine, the IDL): for each, Node's resolver stats and realpaths the file and reads its package
 * scope, about a seventh of a local run's CPU (docs/benchmarks.md, "The inner loop"). The compile
 * cache keeps the compiled code but not where a specifier led, so this keeps that: a resolve hook
 * answers the imports it has seen from the table and records the others, written back at exit.
 *
 * Only results inside a `node_modules` folder are kept (the installed packages, and the user's
 * bare imports such as `zod`); the user's own files, which change between runs, always go to
 * Node. The table is valid while every package folder it points into, and the `node_modules`
 * folder holding it, is the same folder with the same entries (inode and modification time): an
 * install, upgrade or removal replaces a package's folder and changes its `node_modules`, which
 * discards the whole table, and the next command records it again.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { getCompileCacheDir, registerHooks } from "node:module";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Bumped when the file's shape changes; another version is ignored. */
const VERSION = 1;
/** A table past this many entries (many projects sharing one CLI) starts again. */
const MAX_ENTRIES = 5000;

/** `importer \0 specifier \0 conditions` → the resolved URL and its format (null: Node decides). */
type Entries = Map<string, readonly [url: string, format: string | null]>;

/** The file's content: folders and their fingerprints, and the resolutions that depend on them. */
interface Table {
  readonly version: number;
  readonly node: string;
  readonly folders: Record<string, string>;
  readonly entries: [key: string, url: string, format: string | null][];
}

/**
 * Answers module resolutions from the table of earlier runs of the CLI at `cliUrl` and records
 * new ones; does nothing when Node's compile cache is off. Call before importing the command.
 *
 * @example
 * enableCompileCache();
 * cacheResolutions(import.meta.url);
 * await import("../dist/main.js");
 */
export function cacheResolutions(cliUrl: string): void {
  const dir = getCompileCacheDir();
  if (dir === undefined) return;
  const file = join(dir, `flyte-resolutions-${fnv1a(`${cliUrl}\0${process.version}`)}.json`);
  const known = readTable(file);
  const learned: Entries = new Map();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const key = `${context.parentURL ?? ""}\0${specifier}\0${context.conditions.join(",")}`;
      const hit = known.get(key);
      if (hit !== undefined) return hit[1] === null ? { url: hit[0], shortCircuit: true } : { url: hit[0], format: hit[1], shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      if (resolved.url.startsWith("file:") && resolved.url.includes("/node_modules/")) learned.set(key, [resolved.url, resolved.format ?? null]);
      return resolved;
    },
  });
  process.once("exit", () => {
    if (learned.size > 0) writeTable(file, known.size + learned.size > MAX_ENTRIES ? learned : new Map([...known, ...learned]));
  });
}

/** The valid entries of `file`; none when it is missing, unreadable, of another shape, or stale. */
function readTable(file: string): Entries {
  let table: Table;
  try {
    table = JSON.parse(readFileSync(file, "utf8")) as Table;
  } catch {
    return new Map();
  }
  if (table.version !== VERSION || table.node !== process.version) return new Map();
  for (const [folder, fingerprint] of Object.entries(table.folders)) if (fingerprintOf(folder) !== fingerprint) return new Map();
  return new Map(table.entries.map(([key, url, format]) => [key, [url, format]]));
}

/** Writes `entries` with the fingerprints of the folders they point into; a failure only loses the table. */
function writeTable(file: string, entries: Entries): void {
  try {
    const folders: Record<string, string> = {};
    for (const [url] of entries.values()) {
      for (const folder of foldersOf(url)) folders[folder] ??= fingerprintOf(folder) ?? "";
    }
    const table: Table = { version: VERSION, node: process.version, folders, entries: [...entries].map(([key, [url, format]]) => [key, url, format]) };
    // Written aside and renamed: a command starting meanwhile reads the old table or the new one.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(table));
    renameSync(temp, file);
  } catch {
    // A read-only or full cache folder: the next command resolves afresh.
  }
}

/** The package folder a `node_modules` URL points into, and the `node_modules` folder holding it. */
function foldersOf(url: string): string[] {
  const path = fileURLToPath(url);
  const marker = `${sep}node_modules${sep}`;
  const at = path.lastIndexOf(marker);
  const modules = path.slice(0, at + marker.length - 1);
  const [first = "", second = ""] = path.slice(at + marker.length).split(sep);
  return [modules, join(modules, first.startsWith("@") ? join(first, second) : first)];
}

/** A folder's inode and modification time (its entries changed, or it was replaced); undefined when it is gone. */
function fingerprintOf(folder: string): string | undefined {
  const stat = statSync(folder, { throwIfNoEntry: false });
  return stat === undefined ? undefined : `${stat.ino}:${stat.mtimeMs}`;
}

/** FNV-1a of `text`, as 8 hex digits: a file name, not a digest (node:crypto costs a start ~20 ms). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}
