/**
 * `flyte worker --endpoint URL [--concurrency N]`: runs task attempts leased from a server until
 * SIGINT or SIGTERM (see @flyte/worker).
 */
import { resolve } from "node:path";
import { defaultWorkerCacheDir, Worker } from "@flyte/worker";
import { parseArgs, UsageError } from "../args.ts";
import { DEFAULT_ENDPOINT, endpointWithoutConfig } from "../config/resolve.ts";

/** Usage text of `flyte worker`. */
export const WORKER_USAGE = `usage: flyte worker [--endpoint URL] [--concurrency N] [--cache-dir D] [--id ID]

Runs task attempts for a Flyte server: leases them, runs them (downloading each code bundle once
and keeping it loaded), and reports their outputs, errors and logs. Stop it with Ctrl-C.

options:
  --endpoint URL     the server (default $FLYTE_ENDPOINT or ${DEFAULT_ENDPOINT})
  --concurrency N    attempts run at once (default 1)
  --cache-dir D      where bundles are kept (default ${defaultWorkerCacheDir()})
  --id ID            the worker's id in the server's records (default host-pid-random)
  --lease-ms MS      lease length asked for; kept alive every third of it (default
                     $FLYTE_WORKER_LEASE_MS or 30000)
  --grace-ms MS      how long a timed-out or cancelled attempt may run on after its
                     abort signal before its isolate is stopped (default 1000)
  --secrets-dir D    where task secrets are files <D>/<group>/<key> (default
                     $FLYTE_SECRETS_DEFAULT_DIR or /etc/secrets); secrets are also read from
                     the environment as _FSEC_<GROUP>_<KEY>

Each attempt runs in an isolate (a worker thread) that a timeout or a cancel can stop; see
docs/isolation.md. Without a server it keeps retrying with backoff, and says so; a worker
started by 'flyte start' exits when that server dies.`;

/** The default lease: $FLYTE_WORKER_LEASE_MS when it is a whole number ≥ 300, else 30 s. */
function leaseFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env["FLYTE_WORKER_LEASE_MS"];
  return text !== undefined && /^\d+$/.test(text) && Number(text) >= 300 ? Number(text) : 30_000;
}

/** Runs the command; resolves with the exit code once the worker has stopped. */
export async function workerCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`flyte worker takes no arguments (got ${args.positionals.join(" ")})`);
  for (const name of args.options.keys()) {
    if (!["endpoint", "concurrency", "cache-dir", "id", "lease-ms", "grace-ms", "secrets-dir"].includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  const number = (name: string, fallback: number, min: number): number => {
    const text = args.options.get(name)?.at(-1);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min} (got '${text}')`);
    return Number(text);
  };
  const endpoint = endpointWithoutConfig(args.options);
  const cacheDir = args.options.get("cache-dir")?.at(-1);
  const id = args.options.get("id")?.at(-1);
  const secretsDir = args.options.get("secrets-dir")?.at(-1);
  // Isolates copy this process's environment when they start: the task's secret lookup reads it there.
  if (secretsDir !== undefined) process.env["FLYTE_SECRETS_DEFAULT_DIR"] = resolve(secretsDir);
  const worker = new Worker({
    endpoint,
    concurrency: number("concurrency", 1, 1),
    // The env var reaches the workers `flyte start` spawns (tests shorten leases with it).
    leaseMs: number("lease-ms", leaseFromEnv(), 300),
    graceMs: number("grace-ms", 1_000, 0),
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(id !== undefined ? { workerId: id } : {}),
    log: (line) => io.stderr.write(`${line}\n`),
  });
  io.stderr.write(`flyte worker ${worker.id}: leasing from ${endpoint}\n`);
  const stop = (signal: NodeJS.Signals): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    io.stderr.write(`flyte worker ${worker.id}: ${signal}, stopping\n`);
    void worker.stop();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Started by `flyte start` (with an IPC channel): stop when that process goes away.
  const orphaned = (): void => stop("SIGTERM");
  if (process.send !== undefined) process.once("disconnect", orphaned);
  await worker.run();
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  process.off("disconnect", orphaned);
  // Abandoned task bodies may hold timers; the worker is done, so the process need not wait.
  setTimeout(() => process.exit(0), 1_000).unref();
  return 0;
}
