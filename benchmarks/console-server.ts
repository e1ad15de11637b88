/** A `flyte start` process for the console benchmarks, and `flyte` CLI calls against it. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

/** A running server. */
export interface BenchServer {
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** CPU time (user + system) the server process has used so far, in ms (Linux /proc). */
  cpuMs(): number;
}

/** Starts `flyte start --port 0` on `dataDir` with `workers` workers. */
export async function startServer(dataDir: string, workers: number): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, ["packages/cli/bin/flyte.ts", "start", "--port", "0", "--data-dir", dataDir, "--workers", String(workers)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      const m = /serving on (http:\/\/\S+)/.exec(c);
      if (m !== null) done(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`flyte start exited with ${code}`)));
  });
  return {
    url,
    cpuMs() {
      // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime in ticks of 10 ms.
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs `flyte ARGS --endpoint URL` and returns its stdout; throws with its output on failure. */
export function flyte(url: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const res = spawnSync(process.execPath, ["packages/cli/bin/flyte.ts", ...args, "--endpoint", url], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`flyte ${args.slice(0, 3).join(" ")} exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}
