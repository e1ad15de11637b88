/**
 * Cold start of `flyte run` on the seed workflow: wall time of a fresh process, against a bare
 * `node -e 0` in the same run.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { median, report } from "./report.ts";

const RUNS = 7;

function wall(args: readonly string[]): number {
  const start = performance.now();
  const res = spawnSync(process.execPath, args, { encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (res.status !== 0) throw new Error(`${args.join(" ")} failed: ${res.stderr}`);
  return elapsed;
}

/** Runs the benchmark and prints its figures. */
export function benchColdStart(): void {
  const cli = ["packages/cli/bin/flyte.ts", "run", "examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello", "--json"];
  wall(cli); // warm the OS file cache once
  const runs: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(wall(cli));
    base.push(wall(["-e", "0"]));
  }
  report({ bench: "cli-cold-start", metric: "flyte_run_seed_wall", value: median(runs), unit: "ms", baseline: median(base), target: 300, runs: RUNS, note: "baseline: node -e 0" });
}
