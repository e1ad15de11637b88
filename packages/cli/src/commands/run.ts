/**
 * `flyte run FILE ENTITY --input value ...`: runs a task or workflow locally.
 */
import { inspect } from "node:util";
import { findEntity, literalTypeOf, loadEntities, planOf, runLocally, type CallableEntity } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { parseInputValue } from "../input-parse.ts";
import { ProgressLine } from "../progress.ts";
import { takeSignals, terminalPrompt } from "../signal-args.ts";
import { toJsonValue } from "../json-value.ts";

/** Usage text of `flyte run`. */
export const RUN_USAGE = `usage: flyte run FILE ENTITY [--INPUT VALUE ...] [--json]
       [--signal NAME=VALUE ...] [--no-cache | --overwrite-cache]

Runs a task or workflow defined in FILE locally, with the same engine as the server.
Inputs are parsed by their types: numbers, true/false, ISO dates, durations ("10m"),
and JSON for lists, maps and objects. --json prints only the outputs, keyed by name.
--signal gives the value of a waitForInput gate (parsed by its type) or the answer to an
approve gate (yes/no); gates without one are asked on the terminal, or fail.
Cacheable tasks use the local cache (~/.cache/flyte/local-cache, FLYTE_LOCAL_CACHE=off
disables it): --no-cache skips it for this run, --overwrite-cache runs and replaces.
--remote registers the file and runs it on a server instead ('flyte run --remote --help').`;

/** Runs the command; returns the exit code. `--remote` runs on a server (remote-run.ts). */
export async function runCommand(argv: readonly string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  if (argv.includes("--remote")) {
    // Loaded on demand: local runs should not pay for bundling and the API client.
    const { remoteRunCommand } = await import("./remote-run.ts");
    return remoteRunCommand(argv.filter((a) => a !== "--remote"), io);
  }
  const args = parseArgs(argv, new Set(["json", "help", "no-cache", "overwrite-cache"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  const [file, entityName, ...extra] = args.positionals;
  if (file === undefined || entityName === undefined) throw new UsageError("flyte run needs FILE and ENTITY");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const entities = await loadEntities([file]);
  const entity = findEntity(entities, entityName, [file]).definition;
  const signals = takeSignals(entity, args.options);
  const inputs = parseInputs(entity, args.options);
  const runOptions = {
    signals,
    ...(process.stdin.isTTY ? { askSignal: terminalPrompt(process.stdin, io.stderr) } : {}),
    ...(args.flags.has("no-cache") ? { cache: false } : {}),
    ...(args.flags.has("overwrite-cache") ? { overwriteCache: true } : {}),
  };

  const nodeCount = (planOf(entity).closure.primary?.template?.nodes.length ?? 2) - 2;
  const progress = io.stderr.isTTY && nodeCount >= 3 ? new ProgressLine(io.stderr, nodeCount) : undefined;
  let outputs: unknown;
  try {
    outputs = await runLocally(entity, inputs, progress ? { ...runOptions, events: progress } : runOptions);
  } finally {
    progress?.finish();
  }
  if (args.flags.has("json")) {
    io.stdout.write(`${JSON.stringify(toJsonValue(outputRecord(entity, outputs)))}\n`);
  } else {
    io.stdout.write(`${inspect(outputs, { depth: 6, colors: io.stdout.isTTY })}\n`);
  }
  return 0;
}

/** Input values given as `--name value`, parsed by the entity's input types. */
export function parseInputs(entity: CallableEntity, options: ReadonlyMap<string, string[]>): Record<string, unknown> {
  const sig = entity.signature;
  const inputs: Record<string, unknown> = {};
  for (const [name, values] of options) {
    const schema = sig.inputs[name];
    if (schema === undefined) {
      const known = sig.inputNames.map((n) => `--${n}`).join(", ") || "none";
      throw new UsageError(`${entity.kind} '${entity.name}' has no input '${name}'; its inputs are: ${known}`);
    }
    if (values.length > 1) throw new UsageError(`--${name} was given ${values.length} times`);
    inputs[name] = parseInputValue(name, values[0]!, literalTypeOf(schema));
  }
  return inputs;
}

/** Outputs keyed by output variable name, whatever their form. */
function outputRecord(entity: CallableEntity, outputs: unknown): Record<string, unknown> {
  const sig = entity.signature;
  switch (sig.outputForm) {
    case "none":
      return {};
    case "single":
      return { o0: outputs };
    case "positional":
      return Object.fromEntries(sig.outputNames.map((n, i) => [n, (outputs as unknown[])[i]]));
    case "named":
      return outputs as Record<string, unknown>;
  }
}
