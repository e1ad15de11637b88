/**
 * `flyte start [--port P] [--data-dir D] [--host H] [--workers N]`: runs the backend and its warm
 * worker pool in the foreground until SIGINT or SIGTERM.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PORT, startServer } from "@flyte/server";
import { parseArgs, UsageError } from "../args.ts";
import { WorkerPool } from "../worker-pool.ts";

/** Usage text of `flyte start`. */
export const START_USAGE = `usage: flyte start [--port P] [--data-dir D] [--host H] [--workers N]

Runs the Flyte backend in the foreground: Flyte's AdminService and DataProxyService over gRPC
(HTTP/2) and Connect / gRPC-web (HTTP/1.1) on one port, with /healthz, /upload and /download.
Stop it with Ctrl-C.

options:
  --port P       TCP port (default ${DEFAULT_PORT}; 0 picks a free port and prints it)
  --data-dir D   database and uploads (default $XDG_DATA_HOME/flyte or ~/.local/share/flyte)
  --host H       interface to listen on (default 127.0.0.1; 0.0.0.0 for workers on other machines)
  --workers N    worker processes started with the server, restarted if they die (default 2;
                 0 for none: then run 'flyte worker --endpoint URL' yourself)`;

/** The per-user data folder: `$XDG_DATA_HOME/flyte`, else `~/.local/share/flyte`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env["XDG_DATA_HOME"];
  return xdg !== undefined && xdg !== "" ? join(xdg, "flyte") : join(homedir(), ".local", "share", "flyte");
}

/** Runs the command; resolves with the exit code once the server has stopped. */
export async function startCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${START_USAGE}\n`);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`flyte start takes no arguments (got ${args.positionals.join(" ")})`);
  for (const name of args.options.keys()) {
    if (!["port", "data-dir", "host", "workers"].includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  const portText = args.options.get("port")?.at(-1) ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got '${portText}')`);
  const dataDir = args.options.get("data-dir")?.at(-1) ?? defaultDataDir();
  const host = args.options.get("host")?.at(-1) ?? "127.0.0.1";
  const workersText = args.options.get("workers")?.at(-1) ?? "2";
  if (!/^\d+$/.test(workersText) || Number(workersText) > 256) throw new UsageError(`--workers must be a number from 0 to 256 (got '${workersText}')`);

  const server = await startServer({ port: Number(portText), dataDir, host, prestartCheckpoints: true });
  io.stdout.write(`flyte: serving on ${server.url} (data: ${server.dataDir})\n`);
  const pool = new WorkerPool({ size: Number(workersText), endpoint: server.url, cacheDir: join(server.dataDir, "worker-cache"), log: io.stderr });
  pool.start();
  await new Promise<void>((resolveStop) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.stderr.write(`flyte: ${signal}, stopping\n`);
      // Workers first: they finish and report their attempts while the server still answers.
      pool.stop().then(() => server.close()).then(resolveStop, (err: unknown) => {
        io.stderr.write(`flyte: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        resolveStop();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  io.stderr.write("flyte: stopped\n");
  return 0;
}
