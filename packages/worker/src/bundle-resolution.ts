/**
 * Resolution of a code bundle's imports. A bundle leaves flytekit and its dependencies out
 * (sdk-version.ts), so its file — downloaded into the worker's cache, far from any
 * node_modules — imports them by bare name (`flytekit`, `zod`, `@bufbuild/protobuf`, ...). A
 * module resolution hook makes those names resolve as the worker's flytekit resolves them, so the
 * user's code, the entry's `runtime` and the worker's own code share one copy of the SDK: the
 * one the isolate thread loaded before the bundle came (which is why picking up a new version
 * costs little more than importing the project's own modules).
 *
 * Hooks are per thread: every thread that imports bundles calls {@link resolveBundleImportsFromWorker}.
 */
import { registerHooks } from "node:module";
import { isBuiltin } from "node:module";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

/** Folders whose files get the hook, as file URLs ending in `/`; one hook serves all of them. */
const folders = new Set<string>();

/** True for `zod` or `@scope/name/sub`: neither relative, absolute, a URL nor a Node builtin. */
function isBare(specifier: string): boolean {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier) && !isBuiltin(specifier);
}

/**
 * Makes bare imports in files under `dir` (and `require` calls from them) resolve from the
 * worker's flytekit; other imports resolve as usual. Idempotent per folder.
 */
export function resolveBundleImportsFromWorker(dir: string): void {
  const folder = pathToFileURL(join(dir, "/")).href;
  if (folders.has(folder)) return;
  const first = folders.size === 0;
  folders.add(folder);
  if (!first) return;
  // Resolved here rather than in the hook: the worker's flytekit is the one this module imports.
  const sdk = import.meta.resolve("flytekit/internal");
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (parent !== undefined && isBare(specifier) && [...folders].some((f) => parent.startsWith(f))) {
        return nextResolve(specifier, { ...context, parentURL: sdk });
      }
      return nextResolve(specifier, context);
    },
  });
}
