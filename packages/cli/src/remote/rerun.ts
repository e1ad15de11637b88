/**
 * What `flyte relaunch` and `flyte recover` share: parse NAME and `--name`, call the server to
 * start a new execution from an existing one, print the new name — or, with `--wait`, follow it
 * to its end as `flyte run --remote --wait` does.
 */
import type { ExecutionCreateResponse } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, isNotFound, remoteTargetOf, type Remote } from "./connection.ts";
import { checkExecutionName } from "./execution-name.ts";
import { executionIdOf } from "./executions.ts";
import { startedExecution } from "./follow.ts";

/** How one re-run command differs from the other. */
export interface RerunSpec {
  readonly command: string;
  readonly usage: string;
  /** Boolean flags beyond --help and --json. */
  readonly flags?: readonly string[];
  /** Starts the new execution. */
  start(
    remote: Remote,
    request: { id: ReturnType<typeof executionIdOf>; name: string },
    flags: ReadonlySet<string>,
  ): Promise<ExecutionCreateResponse>;
}

/** Runs a re-run command; returns the exit code. */
export async function rerunCommand(
  spec: RerunSpec,
  argv: readonly string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "json", "wait", ...(spec.flags ?? [])]));
  if (args.flags.has("help")) {
    io.stdout.write(`${spec.usage}\n`);
    return 0;
  }
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) throw new UsageError(`flyte ${spec.command} needs exactly one execution NAME`);
  checkOptions(args.options, ["name"]);
  const newName = args.options.get("name")?.at(-1);
  if (newName !== undefined) checkExecutionName(newName);
  const remote = connect(remoteTargetOf(args.options));
  let created: string;
  try {
    const res = await spec.start(remote, { id: executionIdOf(remote, name), name: newName ?? "" }, args.flags);
    created = res.id?.name ?? "";
  } catch (err) {
    if (isNotFound(err)) throw new Error(`execution '${name}' was not found in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`, { cause: err });
    throw err;
  }
  return startedExecution(remote, created, args.flags.has("wait"), { json: args.flags.has("json") }, io);
}
