/**
 * Entry of the `flyte` command: dispatches to a command and turns errors into messages and exit
 * codes (2 for usage errors, 1 for everything else).
 */
import { UsageError } from "./args.ts";
import { RUN_USAGE, runCommand } from "./commands/run.ts";
import { SERIALIZE_USAGE, serializeCommand } from "./commands/serialize.ts";
import { START_USAGE, startCommand } from "./commands/start.ts";

const USAGE = `usage: flyte <command> [options]

commands:
  run FILE ENTITY [--INPUT VALUE ...] [--json]   run a task or workflow locally
  serialize FILE... --out DIR                     write Flyte IDL protobuf files
  start [--port P] [--data-dir D]                 run the backend in the foreground

Run 'flyte <command> --help' for a command's options.`;

const USAGES: Readonly<Record<string, string>> = { run: RUN_USAGE, serialize: SERIALIZE_USAGE, start: START_USAGE };

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest, io);
      case "serialize":
        return await serializeCommand(rest, io);
      case "start":
        return await startCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case "--version":
        io.stdout.write("flyte 0.1.0\n");
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`flyte: ${err.message}\n\n${USAGES[command ?? ""] ?? USAGE}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`flyte: ${message}\n`);
    if (process.env["FLYTE_DEBUG"] && err instanceof Error) io.stderr.write(`${err.stack ?? ""}\n`);
    return 1;
  }
}
