/**
 * `flyte relaunch NAME [--name NEW]`: a new execution of NAME's launch plan with NAME's inputs.
 */
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, isNotFound, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { executionIdOf } from "../remote/executions.ts";

/** Usage text of `flyte relaunch`. */
export const RELAUNCH_USAGE = `usage: flyte relaunch NAME [--name NEW] [--overwrite-cache] [--json] [--endpoint URL] [--project P] [--domain D]

Starts a new execution of execution NAME's launch plan with the same inputs; prints its name.

  --name NEW          the new execution's name (default: chosen by the server)
  --overwrite-cache   run cached tasks again and replace their cached outputs
  --json              print {"name": ...}
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export async function relaunchCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "overwrite-cache", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${RELAUNCH_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) throw new UsageError("flyte relaunch needs exactly one execution NAME");
  checkOptions(args.options, ["name"]);
  const remote = connect(remoteTargetOf(args.options));
  let created: string;
  try {
    const res = await remote.admin.relaunchExecution({ id: executionIdOf(remote, name), name: args.options.get("name")?.at(-1) ?? "", overwriteCache: args.flags.has("overwrite-cache") });
    created = res.id?.name ?? "";
  } catch (err) {
    if (isNotFound(err)) throw new Error(`execution '${name}' was not found in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`, { cause: err });
    throw err;
  }
  io.stdout.write(args.flags.has("json") ? `${JSON.stringify({ name: created })}\n` : `${created}\n`);
  return 0;
}
