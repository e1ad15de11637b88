/**
 * `flyte relaunch NAME [--name NEW]`: a new execution of NAME's launch plan with NAME's inputs.
 */
import { REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { rerunCommand } from "../remote/rerun.ts";

/** Usage text of `flyte relaunch`. */
export const RELAUNCH_USAGE = `usage: flyte relaunch NAME [--name NEW] [--overwrite-cache] [--wait] [--json] [--endpoint URL] [--project P] [--domain D]

Starts a new execution of execution NAME's launch plan with the same inputs; prints its name.

  --name NEW          the new execution's name (default: chosen by the server)
  --overwrite-cache   run cached tasks again and replace their cached outputs
  --wait              follow the new execution to its end; exit 1 with its error if it fails
  --json              print {"name": ...}; with --wait, only the outputs keyed by name
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export function relaunchCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  return rerunCommand(
    {
      command: "relaunch",
      usage: RELAUNCH_USAGE,
      flags: ["overwrite-cache"],
      start: (remote, request, flags) => remote.admin.relaunchExecution({ ...request, overwriteCache: flags.has("overwrite-cache") }),
    },
    argv,
    io,
  );
}
