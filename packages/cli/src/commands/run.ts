/**
 * `flyte run FILE ENTITY --input value ...`: runs a task or workflow locally.
 */
import { inspect } from "node:util";
import { findEntity, literalTypeOf, loadEntities, planOf, runLocally, type CallableEntity } from "flytekit/internal/local";
import { parseArgs, UsageError } from "../args.ts";
import { parseInputValue } from "../input-parse.ts";
import { ProgressLine } from "../progress.ts";
import { takeSignals, terminalPrompt } from "../signal-args.ts";
import { toJsonValue } from "../json-value.ts";
import { mark } from "../timings.ts";
import { fileHelp, inputLines, loadedEntityHelp, requireInputs } from "../entity-help.ts";

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
--remote registers the file and runs it on a server instead ('flyte run --remote --help').
'flyte run FILE --help' lists FILE's entities; 'flyte run FILE ENTITY --help' lists the
entity's inputs (types, defaults) and outputs.`;

/** Runs the command; returns the exit code. `--remote` runs on a server (remote-run.ts). */
export async function runCommand(argv: readonly string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  if (argv.includes("--remote")) {
    // Loaded on demand: local runs should not pay for bundling and the API client.
    const { remoteRunCommand } = await import("./remote-run.ts");
    mark("remote modules");
    return remoteRunCommand(argv.filter((a) => a !== "--remote"), io);
  }
  const args = parseArgs(argv, new Set(["json", "help", "no-cache", "overwrite-cache"]));
  const [file, entityName, ...extra] = args.positionals;
  if (args.flags.has("help")) {
    io.stdout.write(`${await helpText("flyte run", RUN_USAGE, file, entityName)}\n`);
    return 0;
  }
  if (file === undefined) throw new UsageError("flyte run needs FILE and ENTITY; 'flyte run --help' shows how");
  if (entityName === undefined) throw new UsageError(`flyte run needs the ENTITY of ${file} to run; 'flyte run ${file} --help' lists them`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const entities = await loadEntities([file]);
  mark("load code");
  const entity = findEntity(entities, entityName, [file]).definition;
  const signals = takeSignals(entity, args.options);
  const inputs = parseInputs(entity, args.options, `flyte run ${file} ${entityName} --help`);
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
  mark("run");
  if (args.flags.has("json")) {
    io.stdout.write(`${JSON.stringify(toJsonValue(outputRecord(entity, outputs)))}\n`);
  } else {
    io.stdout.write(`${inspect(outputs, { depth: 6, colors: io.stdout.isTTY })}\n`);
  }
  return 0;
}

/**
 * Input values given as `--name value`, parsed by the entity's input types; unknown and missing
 * inputs are usage errors pointing at `helpCommand`.
 */
export function parseInputs(entity: CallableEntity, options: ReadonlyMap<string, string[]>, helpCommand: string): Record<string, unknown> {
  const sig = entity.signature;
  const inputs: Record<string, unknown> = {};
  for (const [name, values] of options) {
    const schema = sig.inputs[name];
    if (schema === undefined) {
      const known = sig.inputNames.map((n) => `--${n}`).join(", ") || "none";
      throw new UsageError(`${entity.kind} '${entity.name}' has no input or option --${name} (its inputs: ${known}); run '${helpCommand}' for its inputs`);
    }
    if (values.length > 1) throw new UsageError(`--${name} was given ${values.length} times`);
    try {
      inputs[name] = parseInputValue(name, values[0]!, literalTypeOf(schema));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new UsageError(`${err.message}; run '${helpCommand}' for its inputs`);
    }
  }
  requireInputs(inputLines(entity), new Set(Object.keys(inputs)), helpCommand);
  return inputs;
}

/**
 * `--help` text: the command's usage; with FILE, the file's entities; with FILE and ENTITY, its
 * inputs and outputs.
 */
export async function helpText(command: string, usage: string, file: string | undefined, entityName: string | undefined): Promise<string> {
  if (file === undefined) return usage;
  const entities = await loadEntities([file]);
  if (entityName === undefined) return fileHelp(command, file, entities);
  const entity = findEntity(entities, entityName, [file]);
  const options =
    command === "flyte run"
      ? ["options: --json, --signal NAME=VALUE, --no-cache, --overwrite-cache ('flyte run --help')"]
      : ["options: --wait, --json, --name NAME, --version V, --endpoint, --project, --domain, --config ('flyte run --remote --help')"];
  return loadedEntityHelp(command, file, entity, options);
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
