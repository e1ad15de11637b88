/**
 * Execution names as FlyteAdmin accepts them: `^[a-z][a-z\-0-9]*$`, at most 63 characters (a
 * Kubernetes label). Checked on the command line so a bad `--name` fails before any code is
 * bundled or uploaded, and without a server.
 */
import { UsageError } from "../args.ts";

const NAME_PATTERN = /^[a-z][a-z\-0-9]*$/;
/** Longest execution name FlyteAdmin accepts. */
export const MAX_EXECUTION_NAME_LENGTH = 63;

/** Throws a UsageError with the rule unless `name` is a valid execution name. */
export function checkExecutionName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(`--name '${name}' is not a valid execution name: use lower-case letters, digits and '-', starting with a letter (e.g. 'nightly-run-1')`);
  }
  if (name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw new UsageError(`--name '${name}' is ${name.length} characters long; execution names have at most ${MAX_EXECUTION_NAME_LENGTH}`);
  }
}
