/**
 * `flyte recover NAME [--name NEW]`: a new execution of a failed one that reuses the outputs of
 * every node that succeeded, so only what failed (and what follows) runs again.
 */
import { REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { rerunCommand } from "../remote/rerun.ts";

/** Usage text of `flyte recover`. */
export const RECOVER_USAGE = `usage: flyte recover NAME [--name NEW] [--wait] [--json] [--endpoint URL] [--project P] [--domain D]

Starts a new execution of execution NAME that reuses the outputs of the nodes that succeeded in
it (Flyte's recovery mode); prints its name.

  --name NEW   the new execution's name (default: chosen by the server)
  --wait       follow the new execution to its end; exit 1 with its error if it fails
  --json       print {"name": ...}; with --wait, only the outputs keyed by name
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export function recoverCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  return rerunCommand(
    {
      command: "recover",
      usage: RECOVER_USAGE,
      start: (remote, request) => remote.admin.recoverExecution({ ...request }),
    },
    argv,
    io,
  );
}
