/**
 * `flyte terminate NAME [--cause TEXT]`: aborts a running execution.
 */
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, isNotFound, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { executionIdOf } from "../remote/executions.ts";

/** Usage text of `flyte terminate`. */
export const TERMINATE_USAGE = `usage: flyte terminate NAME [--cause TEXT] [--endpoint URL] [--project P] [--domain D]

Aborts execution NAME: running task attempts are cancelled and it ends ABORTED.

${REMOTE_OPTIONS_USAGE}
  --cause TEXT     why (kept with the execution; default "terminated from the command line")`;

/** Runs the command; returns the exit code. */
export async function terminateCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${TERMINATE_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) throw new UsageError("flyte terminate needs exactly one execution NAME");
  checkOptions(args.options, ["cause"]);
  const remote = connect(remoteTargetOf(args.options));
  try {
    await remote.admin.terminateExecution({ id: executionIdOf(remote, name), cause: args.options.get("cause")?.at(-1) ?? "terminated from the command line" });
  } catch (err) {
    if (isNotFound(err)) throw new Error(`execution '${name}' was not found in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`, { cause: err });
    throw err;
  }
  io.stdout.write(`terminated ${name}\n`);
  return 0;
}
