/**
 * Files and dataframes (issue 12):
 *
 * - a file streamed through three tasks on a real `flyte start` with a pooled worker, uploaded by
 *   `flyte run --remote`: end-to-end MB/s (baseline: copying the file on the same disk) and the
 *   peak RSS of the server, the worker and the CLI, which stay bounded whatever the file's size;
 * - a 20-column Parquet dataframe written by one task and read by another, which reads 2 of the 20
 *   columns: bytes fetched against the file's size, and the time of each step.
 *
 * Sizes are small by default so `npm run bench` stays short; `FLYTE_BENCH_FILE_MB=1000` and
 * `FLYTE_BENCH_ROWS=10000000` give the figures.
 */
import { spawn } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { report } from "./report.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FLYTE = join(ROOT, "packages/cli/bin/flyte.ts");
const TASKS = "benchmarks/data-tasks.ts";

function peakRssMb(pid: number, field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m !== null ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    if (text !== "") out.push(...text.split(/\s+/).map(Number));
  }
  return out;
}

/** Writes a file of `mb` MiB of incompressible bytes, 4 MiB at a time. */
function makeFile(path: string, mb: number): void {
  const fd = openSync(path, "w");
  const block = randomBytes(4 * 1024 * 1024);
  for (let written = 0; written < mb * 1024 * 1024; written += block.length) writeSync(fd, block);
  closeSync(fd);
}

async function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [FLYTE, "start", "--port", "0", "--data-dir", dataDir, "--workers", "1"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((ok, fail) => {
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      const m = /serving on (http:\/\/\S+)/.exec(text);
      if (m !== null) ok(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`flyte start exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs the CLI, sampling its RSS; resolves with its stdout and peak RSS (MiB). */
function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; peakMb: number }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [FLYTE, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!, "VmHWM"))), 50);
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code === 0) ok({ stdout, peakMb: peak });
      else fail(new Error(`flyte ${args.join(" ")} exited with ${code}: ${stderr}`));
    });
  });
}

/** The file through three tasks on a real server. */
export async function benchFileThroughTasks(): Promise<void> {
  const mb = Number(process.env["FLYTE_BENCH_FILE_MB"] ?? "64");
  const home = mkdtempSync(join(tmpdir(), "flyte-bench-data-"));
  const env = { XDG_DATA_HOME: join(home, "xdg"), XDG_CACHE_HOME: join(home, "cache"), FLYTE_CONFIG: "/dev/null" };
  const input = join(home, "input.bin");
  makeFile(input, mb);
  const copyStart = performance.now();
  copyFileSync(input, join(home, "copy.bin"));
  const copySeconds = (performance.now() - copyStart) / 1000;
  rmSync(join(home, "copy.bin"));
  const server = await startServer(join(home, "server"), env);
  try {
    // A run with a 1-byte file first: its time (registration, bundling, scheduling) is subtracted,
    // so the figure is the data's own throughput.
    const tiny = join(home, "tiny.bin");
    writeFileSync(tiny, "x");
    const overheadStart = performance.now();
    await runCli(["run", "--remote", TASKS, "bench_file_wf", "--f", tiny, "--endpoint", server.url, "--wait", "--json"], env);
    const overhead = (performance.now() - overheadStart) / 1000;
    const start = performance.now();
    const run = await runCli(["run", "--remote", TASKS, "bench_file_wf", "--f", input, "--endpoint", server.url, "--wait", "--json"], env);
    const seconds = Math.max(0.001, (performance.now() - start) / 1000 - overhead);
    const workers = childPids(server.pid);
    const workerPeak = Math.max(0, ...workers.map((p) => peakRssMb(p)));
    const note = `${mb} MiB through upload + 3 tasks (6 passes over the data), the same run with a 1-byte file (${overhead.toFixed(1)} s) subtracted, ${(JSON.parse(run.stdout) as { o0?: string }).o0 === undefined ? "no digest" : "digest ok"}`;
    report({ bench: "data-file", metric: "end-to-end throughput", value: mb / seconds, unit: "MiB/s", baseline: mb / copySeconds, note: `${note}; baseline: copyFile on the same disk` });
    report({ bench: "data-file", metric: "server peak RSS", value: peakRssMb(server.pid), unit: "MiB", note: `file of ${mb} MiB` });
    report({ bench: "data-file", metric: "worker peak RSS", value: workerPeak, unit: "MiB", note: `file of ${mb} MiB; ${workers.length} worker process(es)` });
    report({ bench: "data-file", metric: "CLI peak RSS (upload)", value: run.peakMb, unit: "MiB", note: `file of ${mb} MiB` });
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The wide dataframe, of which a task reads 2 of 20 columns. */
export async function benchDataFrame(): Promise<void> {
  const rows = Number(process.env["FLYTE_BENCH_ROWS"] ?? "200000");
  const home = mkdtempSync(join(tmpdir(), "flyte-bench-frame-"));
  process.env["XDG_DATA_HOME"] = join(home, "xdg");
  process.env["FLYTE_LOCAL_CACHE"] = "off";
  try {
    const { bench_wide_frame, bench_two_columns } = await import("./data-tasks.ts");
    const writeStart = performance.now();
    const df = await bench_wide_frame({ rows });
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const parts = readdirSync(join(home, "xdg"), { recursive: true }).map(String).filter((p) => p.endsWith("00000"));
    const fileBytes = parts.reduce((n, p) => n + statSync(join(home, "xdg", p)).size, 0);
    const readStart = performance.now();
    const two = await bench_two_columns({ df });
    const readSeconds = (performance.now() - readStart) / 1000;
    report({ bench: "data-frame", metric: "write (Arrow → Parquet)", value: writeSeconds, unit: "s", note: `${rows} rows × 20 columns, ${(fileBytes / 1e6).toFixed(1)} MB of Parquet` });
    report({ bench: "data-frame", metric: "bytes read for 2 of 20 columns", value: two.bytesRead, unit: "bytes", baseline: fileBytes, note: "baseline: the whole Parquet file" });
    report({ bench: "data-frame", metric: "read 2 of 20 columns", value: readSeconds, unit: "s", note: `${two.rows} rows` });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Both data benchmarks. */
export async function benchData(): Promise<void> {
  await benchDataFrame();
  await benchFileThroughTasks();
}

// Runnable alone: `node benchmarks/data.ts`.
if (import.meta.main) await benchData();
