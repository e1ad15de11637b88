/**
 * A file that fails to load, reported at the code: `file:line:column`, the message, and a few
 * lines of the source with a caret under the position.
 */
import { FlyteError } from "./errors.ts";

/** The error for `shown` (as the user named it; absolute `path`) failing to import with `err`. */
export function loadError(shown: string, path: string, err: unknown): FlyteError {
  void path;
  return new FlyteError("E_LOAD", `could not load ${shown}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
