/**
 * Module resolutions shared between isolate threads. Every thread resolves the same few hundred
 * imports of flytekit, zod, protobuf-es and the IDL afresh (each walks node_modules, reads
 * package.json scopes and `lstat`s every path component for realpath): a sixth to a third of a
 * thread's start. The first thread of a process records what it resolved and sends it to the
 * main thread (compile-cache-entry.ts), which hands the whole table to every later thread in its
 * `workerData`; a thread answers the imports in the table without asking Node's resolver.
 *
 * Only `file:` results are kept, keyed by importer, specifier and conditions, for the process's
 * lifetime: the installed files do not move while a worker runs (reinstalling packages under a
 * running worker breaks its already loaded modules anyway).
 */
import { registerHooks } from "node:module";

/** `importer \0 specifier \0 conditions` → the resolved URL and its format (null: Node decides). */
export type Resolutions = Map<string, readonly [url: string, format: string | null]>;

/** The main thread's table (in a thread: unused). */
const shared: Resolutions = new Map();

/** The table to hand a new thread (cloned by `workerData`). */
export function sharedResolutions(): Resolutions {
  return shared;
}

/** Adds what a thread resolved to the table. */
export function learnResolutions(entries: Resolutions): void {
  for (const [key, value] of entries) shared.set(key, value);
}

/**
 * In a thread, before anything else is imported: answers the imports in `known` from it, and
 * records the others. Returns the recorded ones so far.
 */
export function cacheResolutions(known: Resolutions | undefined): () => Resolutions {
  const learned: Resolutions = new Map();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const key = `${context.parentURL ?? ""}\0${specifier}\0${context.conditions.join(",")}`;
      const hit = known?.get(key);
      if (hit !== undefined) return hit[1] === null ? { url: hit[0], shortCircuit: true } : { url: hit[0], format: hit[1], shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      if (resolved.url.startsWith("file:")) learned.set(key, [resolved.url, resolved.format ?? null]);
      return resolved;
    },
  });
  return () => learned;
}
