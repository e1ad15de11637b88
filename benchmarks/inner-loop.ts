/**
 * The inner loop, measured the way a user runs it: whole `flyte` processes, wall time from the
 * command to the printed outputs, median and p90 of several runs, with `node -e 0` as the baseline
 * (run before each measured run, so that a figure and its baseline see the same machine load).
 *
 * * local `flyte run` of the seed (README's workflow), from the checkout (Node strips the types
 *   of the TypeScript sources) and from the packages installed from `npm run pack` tarballs into a
 *   fresh folder (built, bundled JavaScript: what users run). Installed, three ways of starting
 *   it: `node node_modules/.bin/flyte`, `node --run flyte --` (the scaffold's script) and `npx
 *   flyte` (npm starts first). `BENCH_INSTALLED=0` skips them (packing and installing take a
 *   minute or two).
 * * `flyte run --remote FILE my_wf --wait` of the seed against `flyte start` (two pooled workers),
 *   from the installed CLI (the checkout's with `BENCH_INSTALLED=0`): with unchanged code (bundle,
 *   upload and registration reused) and after an edit (a new bundle, uploaded and registered),
 *   plus where the time goes (median per phase, from FLYTE_TIMINGS).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { median, report } from "./report.ts";

const ROOT = resolve(import.meta.dirname, "..");
const RUNS = 10;
const SEED_ARGS = ["my_wf", "--a", "50", "--b", "hello"];

/** The value at percentile `p` (nearest rank). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Wall time of one process (`command`, default this Node), in ms; throws with its stderr when it fails. */
function wall(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; command?: string } = {}): { ms: number; stderr: string } {
  const command = options.command ?? process.execPath;
  const start = performance.now();
  const res = spawnSync(command, args, { encoding: "utf8", cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
  const ms = performance.now() - start;
  if (res.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${res.status}): ${res.stderr}`);
  return { ms, stderr: res.stderr };
}

/** `npx` beside this Node (Node's own installation ships it), else the one on PATH. */
function npxCommand(): string {
  const beside = join(dirname(process.execPath), "npx");
  return existsSync(beside) ? beside : "npx";
}

/** The environment of a user: own cache and config folders, no npm or Node settings from `npm run`. */
function userEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|NODE_OPTIONS$|FLYTE_)/i.test(key)) env[key] = value;
  return { ...env, HOME: home, XDG_CACHE_HOME: join(home, "cache"), XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data"), ...extra };
}

function reportRuns(metric: string, runs: readonly number[], baseline: number, target: number | undefined, note: string): void {
  report({ bench: "inner-loop", metric, value: median(runs), unit: "ms", baseline, ...(target !== undefined ? { target } : {}), runs: runs.length, note: `median; ${note}` });
  report({ bench: "inner-loop", metric: `${metric}_p90`, value: percentile(runs, 90), unit: "ms", baseline, runs: runs.length, note: `p90; ${note}` });
}

/** Median per phase of `flyte: timings: a 1 ms, b 2 ms, ...` lines. */
function phaseMedians(lines: readonly string[]): Record<string, number> {
  const byPhase = new Map<string, number[]>();
  for (const line of lines) {
    for (const m of line.matchAll(/([a-z -]+?) (\d+) ms/g)) {
      const phase = m[1]!.trim().replace(/^timings: /, "");
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), Number(m[2])]);
    }
  }
  return Object.fromEntries([...byPhase].map(([phase, values]) => [phase, median(values)]));
}

/** A project folder with the seed workflow, resolving flytekit and zod from `nodeModules`. */
function seedProject(dir: string, nodeModules: string | undefined): string {
  mkdirSync(dir, { recursive: true });
  // The script `flyte init` writes, for `node --run flyte -- ...`.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "seed", type: "module", private: true, scripts: { flyte: "flyte" } }));
  if (nodeModules !== undefined) symlinkSync(nodeModules, join(dir, "node_modules"));
  writeFileSync(join(dir, "workflow.ts"), seedSource(0));
  return join(dir, "workflow.ts");
}

/** README's seed workflow; `edit` changes a constant, so every value makes other code. */
function seedSource(edit: number): string {
  return `import { z } from "zod";
import { task, workflow } from "flytekit";
export const t1 = task({ name: "t1", inputs: { a: z.int() }, outputs: { t1_int_output: z.int(), c: z.string() } }, ({ a }) => ({ t1_int_output: a + 2, c: "world" }));
export const t2 = task({ name: "t2", inputs: { a: z.string(), b: z.string() }, outputs: z.string() }, ({ a, b }) => b + a);
export const my_wf = workflow({ name: "my_wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] }, ({ a, b }) => {
  const { t1_int_output: x, c: y } = t1({ a });
  return [x, t2({ a: y, b })];
});
export const edit = ${edit};
`;
}

/** Packs the packages and installs them into a fresh project; its folder, or undefined when skipped. */
function installFromTarballs(work: string, env: NodeJS.ProcessEnv): string | undefined {
  if (process.env["BENCH_INSTALLED"] === "0") return undefined;
  const tarballs = join(work, "tarballs");
  const built = spawnSync(process.execPath, ["scripts/pack.ts", "--out", tarballs, "--build-dir", join(work, "build")], { cwd: ROOT, encoding: "utf8", env });
  if (built.status !== 0) throw new Error(`packing failed: ${built.stderr}`);
  const project = join(work, "installed");
  seedProject(project, undefined);
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  const npm = process.env["npm_execpath"]?.endsWith(".js") === true ? [process.execPath, process.env["npm_execpath"]] : ["npm"];
  const installed = spawnSync(npm[0]!, [...npm.slice(1), "install", "--no-audit", "--no-fund", ...files, "zod"], { cwd: project, encoding: "utf8", env });
  if (installed.status !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
  return project;
}

/** `flyte start` on a free port with two workers; resolves with its URL and a stop function. */
async function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["packages/cli/bin/flyte.js", "start", "--port", "0", "--data-dir", dataDir, "--workers", "2"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "ignore"] });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("flyte start printed no URL within 60 s")), 60_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^flyte: serving on (http:\/\/\S+) /.exec(line);
      if (m !== null) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
  });
  return { url, stop };
}

/** Runs the benchmark and prints its figures. */
export async function benchInnerLoop(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "flyte-bench-inner-"));
  const env = userEnv(join(work, "home"));
  try {
    // The baseline of each figure is measured interleaved with its runs (one `node -e 0` before
    // each): measured once up front, it read 226 ms while the runs after it saw a calmer machine
    // (70 ms by hand), which made every ratio meaningless on this shared machine.
    const baselined = <T>(measure: () => T): { runs: T[]; baseline: number } => {
      const base: number[] = [];
      const runs = Array.from({ length: RUNS }, () => {
        base.push(wall(["-e", "0"], { env }).ms);
        return measure();
      });
      return { runs, baseline: median(base) };
    };
    wall(["-e", "0"], { env }); // Node's own files into the page cache

    // Local, from the checkout: Node strips the sources' types; its compile cache is warm after one run.
    const local = (cwd: string, prefix: readonly string[], file: string, command?: string): { runs: number[]; baseline: number } => {
      const args = [...prefix, "run", file, ...SEED_ARGS, "--json"];
      const options = { cwd, env, ...(command !== undefined ? { command } : {}) };
      wall(args, options);
      return baselined(() => wall(args, options).ms);
    };
    const reportLocal = (metric: string, m: { runs: number[]; baseline: number }, note: string): void => reportRuns(metric, m.runs, m.baseline, 300, note);
    reportLocal("local_run_checkout", local(ROOT, ["packages/cli/bin/flyte.js"], "examples/basics/workflow.ts"), "local flyte run of the seed from the checkout (TypeScript sources), whole process; baseline: node -e 0, interleaved");
    const installed = installFromTarballs(work, env);
    if (installed !== undefined) {
      const what = "local flyte run of the seed installed from npm run pack tarballs (bundled JavaScript), whole process; baseline: node -e 0, interleaved";
      reportLocal("local_run_installed", local(installed, [join(installed, "node_modules/.bin/flyte")], "workflow.ts"), `${what}; node node_modules/.bin/flyte`);
      reportLocal("local_run_installed_node_run", local(installed, ["--run", "flyte", "--"], "workflow.ts"), `${what}; node --run flyte -- (the scaffold's script)`);
      reportLocal("local_run_installed_npx", local(installed, ["flyte"], "workflow.ts", npxCommand()), `${what}; npx flyte (npm starts first)`);
    }

    // Remote, against flyte start with two warm workers.
    const server = await startServer(join(work, "server"), env);
    try {
      // The installed CLI (bundled JavaScript) when there is one: what users run.
      const project = installed ?? join(work, "remote");
      const file = installed !== undefined ? join(installed, "workflow.ts") : seedProject(project, join(ROOT, "node_modules"));
      const bin = installed !== undefined ? join(installed, "node_modules/.bin/flyte") : join(ROOT, "packages/cli/bin/flyte.js");
      const remoteEnv = { ...env, FLYTE_ENDPOINT: server.url, FLYTE_TIMINGS: "1" };
      const runRemote = (): { ms: number; stderr: string } => wall([bin, "run", "--remote", file, ...SEED_ARGS, "--wait", "--json"], { cwd: project, env: remoteEnv });
      runRemote(); // the first registration and the workers' first download of the bundle
      const { runs: unchanged, baseline: unchangedBase } = baselined(runRemote);
      let edits = 0;
      const { runs: edited, baseline: editedBase } = baselined(() => {
        writeFileSync(file, seedSource(++edits));
        return runRemote();
      });
      const cli = installed !== undefined ? "installed CLI" : "checkout's CLI";
      reportRuns("remote_run_wait_unchanged", unchanged.map((r) => r.ms), unchangedBase, 1000, `flyte run --remote of the seed --wait, code unchanged (bundle, upload and registration reused), ${cli}; baseline: node -e 0, interleaved`);
      reportRuns("remote_run_wait_edited", edited.map((r) => r.ms), editedBase, 1500, `flyte run --remote of the seed --wait after an edit (bundled, uploaded, registered), ${cli}; baseline: node -e 0, interleaved`);
      for (const [what, runs] of [["unchanged", unchanged], ["edited", edited]] as const) {
        const phases = phaseMedians(runs.map((r) => r.stderr.split("\n").find((l) => l.startsWith("flyte: timings:")) ?? ""));
        console.log(JSON.stringify({ bench: "inner-loop", metric: `remote_run_wait_${what}_phases`, unit: "ms", phases, runs: runs.length, note: "median per phase (FLYTE_TIMINGS=1)" }));
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
