/**
 * The processes of the end-to-end benchmark, started as a user starts them: `flyte start
 * --workers 0` on a fresh data folder, N `flyte worker --concurrency C` processes, and
 * `flyte register` of the benchmark's workflows. Everything lives in one temporary folder (data,
 * worker caches, XDG dirs), removed by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const ROOT = resolve(import.meta.dirname, "..");
const FLYTE = join(ROOT, "packages/cli/bin/flyte.js");

/** A running server with its workers. */
export interface Cluster {
  readonly url: string;
  /** CPU time (user + system, all threads) the server and its workers have used so far, in ms. */
  cpuMs(): number;
  /** The same for the worker processes alone (the rest is the server's). */
  workersCpuMs(): number;
  /** Stops the workers, then the server, and removes the folder. */
  stop(): Promise<void>;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  readonly workers: number;
  readonly concurrency: number;
  /** Registered with `flyte register FILE --version VERSION`. */
  readonly file: string;
  readonly project: string;
  readonly domain: string;
  readonly version: string;
}

/** Starts the server and workers and registers `file`; throws naming the step that failed. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bench-e2e-"));
  // Never the user's ~/.cache or ~/.local: bundles, configs and the data dir stay in `dir`.
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, "cache"), XDG_CONFIG_HOME: join(dir, "config"), XDG_DATA_HOME: join(dir, "data") };
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    // Workers first (they report what they run), then the server.
    for (const group of [children.slice(1), children.slice(0, 1)]) await Promise.all(group.map(terminate));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Its stderr (start and stop lines) stays out of the JSON lines on stdout.
    const server = spawn(process.execPath, [FLYTE, "start", "--port", "0", "--data-dir", join(dir, "server"), "--workers", "0"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "ignore"] });
    children.push(server);
    const url = await servingUrl(server);
    for (let i = 0; i < options.workers; i++) {
      children.push(spawn(process.execPath, [FLYTE, "worker", "--endpoint", url, "--concurrency", String(options.concurrency)], { cwd: ROOT, env, stdio: "ignore" }));
    }
    const registered = spawnSync(
      process.execPath,
      [FLYTE, "register", options.file, "--endpoint", url, "--project", options.project, "--domain", options.domain, "--version", options.version],
      { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 },
    );
    if (registered.status !== 0) throw new Error(`flyte register ${options.file} failed (exit ${registered.status}): ${registered.stderr}`);
    const cpuOf = (group: readonly ChildProcess[]): number => group.reduce((sum, child) => sum + cpuMsOf(child.pid), 0);
    return { url, stop, cpuMs: () => cpuOf(children), workersCpuMs: () => cpuOf(children.slice(1)) };
  } catch (error) {
    await stop();
    throw error;
  }
}

function servingUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("flyte start printed no 'serving on' line within 60 s")), 60_000);
    server.once("exit", (code) => reject(new Error(`flyte start exited with ${code} before serving`)));
    createInterface({ input: server.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const m = /^flyte: serving on (http:\/\/\S+) /.exec(line);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process (every thread) from /proc, in ms; 0 where /proc is missing. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: Linux reports /proc times in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS = 100;
