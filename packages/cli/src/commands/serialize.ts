/**
 * `flyte serialize PATH... --out DIR`: writes every task, workflow and (default) launch plan the
 * files (folders expanded) define as protobuf, in `pyflyte package`'s layout: `N_<name>_1.pb` (admin.TaskSpec),
 * `N_<name>_2.pb` (admin.WorkflowSpec), `N_<name>_3.pb` (admin.LaunchPlan).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { REGISTRATION_PLACEHOLDERS, loadEntities, specMessage, specsOf } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { expandPaths } from "../remote/project-files.ts";

/** Usage text of `flyte serialize`. */
export const SERIALIZE_USAGE = `usage: flyte serialize PATH... --out DIR

Compiles every task and workflow exported by the files (a folder means every module under it,
as for flyte register) and writes them, with each workflow's
default launch plan, as Flyte IDL protobuf files into DIR. Project, domain and version are
left as placeholders that registration fills in.`;

/** Runs the command; returns the exit code. */
export async function serializeCommand(argv: readonly string[], io: { stdout: NodeJS.WriteStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${SERIALIZE_USAGE}\n`);
    return 0;
  }
  const out = args.options.get("out")?.at(-1);
  if (out === undefined) throw new UsageError("flyte serialize needs --out DIR");
  if (args.positionals.length === 0) throw new UsageError("flyte serialize needs at least one FILE or folder");
  const entities = await loadEntities(expandPaths(args.positionals));
  if (entities.length === 0) throw new UsageError(`no tasks or workflows are exported by ${args.positionals.join(", ")}`);
  const specs = specsOf(entities.map((e) => e.definition), REGISTRATION_PLACEHOLDERS);
  mkdirSync(out, { recursive: true });
  specs.forEach((spec, i) => {
    const { schema, message } = specMessage(spec);
    writeFileSync(join(out, `${i}_${spec.name}_${spec.suffix}.pb`), toBinary(schema, message));
  });
  io.stdout.write(`wrote ${specs.length} files to ${out}\n`);
  return 0;
}
