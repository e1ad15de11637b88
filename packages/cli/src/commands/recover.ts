/**
 * `flyte recover NAME [--name NEW]`: a new execution of a failed one that reuses the outputs of
 * every node that succeeded, so only what failed (and what follows) runs again.
 */
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, isNotFound, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { executionIdOf } from "../remote/executions.ts";

/** Usage text of `flyte recover`. */
export const RECOVER_USAGE = `usage: flyte recover NAME [--name NEW] [--json] [--endpoint URL] [--project P] [--domain D]

Starts a new execution of execution NAME that reuses the outputs of the nodes that succeeded in
it (Flyte's recovery mode); prints its name.

  --name NEW   the new execution's name (default: chosen by the server)
  --json       print {"name": ...}
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export async function recoverCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${RECOVER_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) throw new UsageError("flyte recover needs exactly one execution NAME");
  checkOptions(args.options, ["name"]);
  const remote = connect(remoteTargetOf(args.options));
  let created: string;
  try {
    const res = await remote.admin.recoverExecution({ id: executionIdOf(remote, name), name: args.options.get("name")?.at(-1) ?? "" });
    created = res.id?.name ?? "";
  } catch (err) {
    if (isNotFound(err)) throw new Error(`execution '${name}' was not found in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`, { cause: err });
    throw err;
  }
  io.stdout.write(args.flags.has("json") ? `${JSON.stringify({ name: created })}\n` : `${created}\n`);
  return 0;
}
