/**
 * The cost of isolation per attempt: a trivial task run locally in-process (the fast path), in a
 * warm isolate (a reused worker thread) and in a fresh isolate (a new worker thread per attempt),
 * p50 and p99 of the whole attempt. Also the raw figures behind choosing worker threads over
 * child processes: start-to-answer time of a fresh thread and a fresh `node` child, a message
 * round trip to a warm one, and memory per idle isolate.
 */
import { execFileSync, fork } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { fresh, inProcess, warm } from "./isolation-tasks.ts";
import { report } from "./report.ts";

const ATTEMPTS = 40;
const FRESH_ATTEMPTS = 15;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timed(n: number, run: () => Promise<unknown>): Promise<number[]> {
  await run(); // first use: imports, thread start
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}

function once(emitter: { once(event: string, fn: (...args: unknown[]) => void): unknown }, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

/** Raw start and round-trip costs of a worker thread and a child process running an echo script. */
async function rawFigures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bench-iso-"));
  const echo = join(dir, "echo.mjs");
  writeFileSync(
    echo,
    `import { parentPort } from "node:worker_threads";
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);
(parentPort ?? process).on("message", (m) => send(m));\n`,
  );
  const threadStart = await timed(FRESH_ATTEMPTS, async () => {
    const w = new Worker(echo);
    w.postMessage(1);
    await once(w, "message");
    await w.terminate();
  });
  const childStart = await timed(FRESH_ATTEMPTS, async () => {
    const c = fork(echo, [], { stdio: "ignore" });
    c.send(1);
    await once(c, "message");
    c.kill();
    await once(c, "exit");
  });
  const w = new Worker(echo);
  const threadTrip = await timed(ATTEMPTS * 5, async () => {
    w.postMessage(1);
    await once(w, "message");
  });
  const before = process.memoryUsage().rss;
  const idle = [w];
  for (let i = 0; i < 7; i++) {
    const t = new Worker(echo);
    t.postMessage(1);
    await once(t, "message");
    idle.push(t);
  }
  const threadMb = (process.memoryUsage().rss - before) / 7 / 2 ** 20;
  await Promise.all(idle.map((t) => t.terminate()));
  const c = fork(echo, [], { stdio: "ignore" });
  const childTrip = await timed(ATTEMPTS * 5, async () => {
    c.send(1);
    await once(c, "message");
  });
  const childMb = Number(execFileSync("ps", ["-o", "rss=", "-p", String(c.pid)], { encoding: "utf8" }).trim()) / 1024;
  c.kill();
  rmSync(dir, { recursive: true, force: true });
  const figure = (metric: string, times: number[], note: string): void => {
    report({ bench: "isolation", metric: `${metric}_p50`, value: percentile(times, 0.5), unit: "ms", runs: times.length, note });
    report({ bench: "isolation", metric: `${metric}_p99`, value: percentile(times, 0.99), unit: "ms", runs: times.length, note });
  };
  figure("raw_thread_start", threadStart, "new Worker(echo) → first answer → terminate");
  figure("raw_child_start", childStart, "fork(echo) → first answer → exit");
  figure("raw_thread_round_trip", threadTrip, "postMessage to a warm thread and back");
  figure("raw_child_round_trip", childTrip, "IPC message to a warm child process and back");
  report({ bench: "isolation", metric: "raw_thread_memory", value: threadMb, unit: "MiB", note: "RSS added per idle worker thread" });
  report({ bench: "isolation", metric: "raw_child_memory", value: childMb, unit: "MiB", note: "RSS of an idle child process" });
}

/** Runs the benchmark and prints its figures. */
export async function benchIsolation(): Promise<void> {
  const base = await timed(ATTEMPTS, () => inProcess({ a: 1 }));
  const warmTimes = await timed(ATTEMPTS, () => warm({ a: 1 }));
  const freshTimes = await timed(FRESH_ATTEMPTS, () => fresh({ a: 1 }));
  const p50 = percentile(base, 0.5);
  const p99 = percentile(base, 0.99);
  report({ bench: "isolation", metric: "attempt_in_process_p50", value: p50, unit: "ms", runs: ATTEMPTS, note: "local task call, no isolate (the fast path)" });
  report({ bench: "isolation", metric: "attempt_in_process_p99", value: p99, unit: "ms", runs: ATTEMPTS });
  report({ bench: "isolation", metric: "attempt_warm_p50", value: percentile(warmTimes, 0.5), unit: "ms", baseline: p50, runs: ATTEMPTS, note: "local task call in a reused isolate (isolation: warm)" });
  report({ bench: "isolation", metric: "attempt_warm_p99", value: percentile(warmTimes, 0.99), unit: "ms", baseline: p99, runs: ATTEMPTS });
  report({ bench: "isolation", metric: "attempt_fresh_p50", value: percentile(freshTimes, 0.5), unit: "ms", baseline: p50, runs: FRESH_ATTEMPTS, note: "local task call in a new isolate (isolation: fresh): thread start + module imports" });
  report({ bench: "isolation", metric: "attempt_fresh_p99", value: percentile(freshTimes, 0.99), unit: "ms", baseline: p99, runs: FRESH_ATTEMPTS });
  await rawFigures();
}
