/**
 * Cold start of `flyte run` on the seed workflow: wall time of a fresh process, against a bare
 * `node -e 0` in the same run. Measured twice: with Node's on-disk compile cache warm (every run
 * after the first on a machine) and with an empty one (the very first run).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { median, report } from "./report.ts";

const RUNS = 7;
const CLI = ["packages/cli/bin/flyte.js", "run", "examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello", "--json"];

function wall(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const res = spawnSync(process.execPath, args, { encoding: "utf8", env });
  const elapsed = performance.now() - start;
  if (res.status !== 0) throw new Error(`${args.join(" ")} failed: ${res.stderr}`);
  return elapsed;
}

/** Runs the benchmark and prints its figures. */
export function benchColdStart(): void {
  const cache = mkdtempSync(join(tmpdir(), "flyte-bench-cache-"));
  const warmEnv = { ...process.env, NODE_COMPILE_CACHE: cache };
  wall(CLI, warmEnv); // fills the compile cache and the OS file cache
  const warm: number[] = [];
  const empty: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    warm.push(wall(CLI, warmEnv));
    const fresh = mkdtempSync(join(tmpdir(), "flyte-bench-cache-"));
    empty.push(wall(CLI, { ...process.env, NODE_COMPILE_CACHE: fresh }));
    rmSync(fresh, { recursive: true, force: true });
    base.push(wall(["-e", "0"]));
  }
  rmSync(cache, { recursive: true, force: true });
  report({ bench: "cli-cold-start", metric: "flyte_run_seed_wall", value: median(warm), unit: "ms", baseline: median(base), target: 300, runs: RUNS, note: "fresh process, compile cache warm; baseline: node -e 0" });
  report({ bench: "cli-cold-start", metric: "flyte_run_seed_wall_empty_cache", value: median(empty), unit: "ms", baseline: median(base), runs: RUNS, note: "fresh process, empty compile cache (first run on a machine)" });
}
