/**
 * Entry of the `flyte` command: dispatches to a command and turns errors into messages and exit
 * codes (2 for usage errors, 1 for everything else).
 */
import { UsageError } from "./args.ts";
import { mark } from "./timings.ts";

/** A command: its usage text and what runs it. */
interface Command {
  readonly usage: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** Where commands write. */
export interface Io {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

// Commands load on demand: `flyte run` should not pay for the server, the worker or esbuild.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => {
    const m = await import("./commands/run.ts");
    return { usage: m.RUN_USAGE, run: m.runCommand };
  },
  serialize: async () => {
    const m = await import("./commands/serialize.ts");
    return { usage: m.SERIALIZE_USAGE, run: m.serializeCommand };
  },
  start: async () => {
    const m = await import("./commands/start.ts");
    return { usage: m.START_USAGE, run: m.startCommand };
  },
  worker: async () => {
    const m = await import("./commands/worker.ts");
    return { usage: m.WORKER_USAGE, run: m.workerCommand };
  },
  register: async () => {
    const m = await import("./commands/register.ts");
    return { usage: m.REGISTER_USAGE, run: m.registerCommand };
  },
  get: async () => {
    const m = await import("./commands/get.ts");
    return { usage: m.GET_USAGE, run: m.getCommand };
  },
  terminate: async () => {
    const m = await import("./commands/terminate.ts");
    return { usage: m.TERMINATE_USAGE, run: m.terminateCommand };
  },
  relaunch: async () => {
    const m = await import("./commands/relaunch.ts");
    return { usage: m.RELAUNCH_USAGE, run: m.relaunchCommand };
  },
  recover: async () => {
    const m = await import("./commands/recover.ts");
    return { usage: m.RECOVER_USAGE, run: m.recoverCommand };
  },
  init: async () => {
    const m = await import("./commands/init.ts");
    return { usage: m.INIT_USAGE, run: m.initCommand };
  },
  config: async () => {
    const m = await import("./commands/config.ts");
    return { usage: m.CONFIG_USAGE, run: m.configCommand };
  },
  signal: async () => {
    const m = await import("./commands/signal.ts");
    return { usage: m.SIGNAL_USAGE, run: m.signalCommand };
  },
};

const USAGE = `usage: flyte <command> [options]

commands:
  run FILE ENTITY [--INPUT VALUE ...] [--json]   run a task or workflow locally
  run FILE [ENTITY] --help                        list FILE's entities / ENTITY's inputs
  run --remote FILE ENTITY [...] [--wait]         register and run it on a server
  run --remote --launch-plan NAME [...] [--wait]  run a registered launch plan by name
  serialize FILE... --out DIR                     write Flyte IDL protobuf files
  start [--port P] [--data-dir D] [--workers N]   run the backend in the foreground
  worker [--endpoint URL]                         run task attempts for a server
  register FILE... [--version V]                  register code and entities on a server
  get executions | execution NAME | nodes NAME | logs NAME [--follow]
                                                  show remote executions
  get tasks | workflows | launchplans [NAME]      show registered entities and versions
  terminate NAME                                  abort a remote execution
  relaunch NAME [--wait]                          run a remote execution again
  recover NAME [--wait]                           rerun what failed in a remote execution
  signal NAME --execution E --value V             set a gate's signal of a remote execution
  init DIR [--packages TARBALLS]                  create a project that uses flytekit
  config init | show                              write ~/.flyte/config.yaml / show settings

Run 'flyte <command> --help' for a command's options.`;


/** Where the usage of the command that failed is. */
function usageHint(command: string | undefined, rest: readonly string[], loaded: Command | undefined): string {
  if (loaded === undefined || command === undefined) return "run 'flyte --help' for the commands";
  if (command === "run" && rest.includes("--remote")) return "run 'flyte run --remote --help' for its options";
  return `run 'flyte ${command} --help' for its options`;
}

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  mark("start-up");
  const [command, ...rest] = argv;
  let loaded: Command | undefined;
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case "--version":
        io.stdout.write("flyte 0.1.0\n");
        return 0;
    }
    const load = COMMANDS[command];
    if (load === undefined) throw new UsageError(`unknown command '${command}'`);
    loaded = await load();
    mark("command modules");
    return await loaded.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // One or two lines: what is wrong (with the fix when the message knows it), and where the
      // full usage is. The whole help text would bury the one line that matters.
      io.stderr.write(`flyte: ${err.message}\n`);
      if (!err.message.includes("--help")) io.stderr.write(`${usageHint(command, rest, loaded)}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`flyte: ${message}\n`);
    if (process.env["FLYTE_DEBUG"] && err instanceof Error) io.stderr.write(`${err.stack ?? ""}\n`);
    return 1;
  }
}
