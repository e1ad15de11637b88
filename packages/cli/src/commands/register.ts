/**
 * `flyte register PATH... [--version V] [--activate-launchplans]`: fast-registers the code of the
 * files and folders and every task, workflow and launch plan they define.
 */
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { idOf, registerFiles } from "../remote/registration.ts";
import { isPbPackage } from "../remote/pb-package.ts";
import { registerPackagesCommand } from "./register-package.ts";

/** Usage text of `flyte register`. */
export const REGISTER_USAGE = `usage: flyte register PATH... [--version V] [--activate-launchplans] [--json]
       [--endpoint URL] [--project P] [--domain D]

Bundles the files (a folder means every .ts/.mts/.js/.mjs module under it, without
node_modules, dist, hidden folders, tests and .d.ts files) with everything they import into one
file, uploads it to the server, and registers every task, workflow and launch plan they export
and every task those use (tasks run from the uploaded bundle). An unnamed entity is named
<module path>.<export name>, the module path being relative to the folder of the nearest
package.json. Registering identical code again is accepted and reported as unchanged; a
different spec under an existing version is refused.
PATH... may instead be serialized packages (folders or .tgz of .pb files from 'flyte serialize'
or 'pyflyte package'), registered as 'flytectl register files' does.

options:
  --version V               version of the entities (default: derived from the code, so
                            identical code gets the identical version)
  --activate-launchplans    activate the launch plans that have schedules
  --json                    print {"version", "bundle", "registered": [{kind, name, status}]}
${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export async function registerCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "activate-launchplans", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${REGISTER_USAGE}\n`);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("flyte register needs at least one FILE or folder");
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
    const registered = result.specs.map((s, i) => ({ kind: s.kind, name: s.name, status: result.statuses[i] }));
    io.stdout.write(`${JSON.stringify({ version: result.version, bundle: result.bundleUrl, registered, activated: result.activated })}\n`);
    return 0;
  }
  const where = `in ${remote.project}/${remote.domain} under version ${result.version} on ${remote.endpoint}`;
  const unchanged = result.statuses.filter((s) => s === "unchanged").length;
  if (unchanged === result.specs.length) {
    for (const name of result.activated) io.stdout.write(`activated  launch plan ${name}\n`);
    io.stdout.write(`unchanged: ${unchanged} entities already registered ${where}\n`);
    return 0;
  }
  const labels = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;
  result.specs.forEach((spec, i) => {
    if (result.statuses[i] === "registered") io.stdout.write(`registered ${labels[spec.kind].padEnd(11)} ${spec.name}:${idOf(spec)?.version ?? result.version}\n`);
  });
  for (const name of result.activated) io.stdout.write(`activated  launch plan ${name}\n`);
  const also = unchanged > 0 ? ` (${unchanged} unchanged)` : "";
  io.stdout.write(`${result.specs.length - unchanged} entities registered${also} ${where}\n`);
  return 0;
}
