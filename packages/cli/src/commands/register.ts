/**
 * `flyte register FILE... [--version V] [--activate-launchplans]`: fast-registers the files'
 * code and every task, workflow and launch plan they define.
 */
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { idOf, registerFiles } from "../remote/registration.ts";
import { isPbPackage } from "../remote/pb-package.ts";
import { registerPackagesCommand } from "./register-package.ts";

/** Usage text of `flyte register`. */
export const REGISTER_USAGE = `usage: flyte register FILE... [--version V] [--activate-launchplans] [--json]
       [--endpoint URL] [--project P] [--domain D]

Bundles FILE... with their dependencies into one file, uploads it to the server, and registers
every task, workflow and launch plan they define (tasks run from the uploaded bundle). Module
paths are relative to the current directory (the project root). Registering identical code
again is accepted; a different spec under an existing version is refused.
FILE... may instead be serialized packages (folders or .tgz of .pb files from 'flyte serialize'
or 'pyflyte package'), registered as 'flytectl register files' does.

options:
  --version V               version of the entities (default: derived from the code, so
                            identical code gets the identical version)
  --activate-launchplans    activate the launch plans that have schedules
  --json                    print {"version", "bundle", "registered": [{kind, name}]}
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export async function registerCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "activate-launchplans", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${REGISTER_USAGE}\n`);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("flyte register needs at least one FILE");
  checkOptions(args.options, ["version"]);
  const version = args.options.get("version")?.at(-1);
  if (version !== undefined && !/^[A-Za-z0-9_.-]+$/.test(version)) throw new UsageError(`--version may only use letters, digits, '.', '_' and '-' (got '${version}')`);
  const remote = connect(remoteTargetOf(args.options));
  // Serialized packages (folders / .tgz of .pb files), as `flytectl register files` takes them.
  if (isPbPackage(args.positionals)) return registerPackagesCommand(remote, args.positionals, { ...(version !== undefined ? { version } : {}), json: args.flags.has("json") }, io);
  const result = await registerFiles(remote, args.positionals, {
    ...(version !== undefined ? { version } : {}),
    activateLaunchPlans: args.flags.has("activate-launchplans"),
  });
  if (args.flags.has("json")) {
    const registered = result.specs.map((s) => ({ kind: s.kind, name: s.name }));
    io.stdout.write(`${JSON.stringify({ version: result.version, bundle: result.bundleUrl, registered, activated: result.activated })}\n`);
    return 0;
  }
  const labels = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;
  for (const spec of result.specs) io.stdout.write(`registered ${labels[spec.kind].padEnd(11)} ${spec.name}:${idOf(spec)?.version ?? result.version}\n`);
  for (const name of result.activated) io.stdout.write(`activated  launch plan ${name}\n`);
  io.stdout.write(`${result.specs.length} entities registered in ${remote.project}/${remote.domain} under version ${result.version} on ${remote.endpoint}\n`);
  return 0;
}
