/**
 * End to end, the way users run the product: `flyte start --workers 0`, two real `flyte worker`
 * processes (`--concurrency 64`, isolates on: warm isolation is the default), the workflows of
 * e2e-workflows.ts registered with `flyte register`, and executions created and watched over the
 * public gRPC API (AdminService, HTTP/2) by this process. fsync on (the default). The four rows
 * of issue 9, in the shape of ../shared/peers-bench/flytets so the figures compare:
 *
 * - per step of a 10-step chain: (p50 of the 10-task workflow - p50 of the 1-task one) / 9,
 *   workflows run one after another;
 * - 3-step workflows per second and tasks per second: E executions created by 32 concurrent
 *   clients, until none is running;
 * - a fan-out of 1,000 trivial tasks as a map task, p50 and max of a few runs.
 *
 * Knobs: E2E_WORKFLOWS (20 of each chain), E2E_EXECUTIONS (3000), E2E_FANOUT (1000), E2E_RUNS (3).
 * E2E_EXECUTIONS is a count, so it sets how long the throughput row lasts: a few hundred
 * executions end in about a second, most of it the cluster warming up (a calm run of the same
 * checkout gave 448-456 workflows/s at 500, 776-794 at 3,000, 931-939 at 6,000); 3,000 lasts a few
 * seconds, nearer to the 10 s the peers harness gives each peer.
 * The machine's load average goes into each figure's note: on a shared machine, compare figures
 * of one run only.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, LiteralSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { intLiteral, intMap } from "../packages/server/src/testing/literals.ts";
import { startCluster, type Cluster } from "./e2e-cluster.ts";
import { report } from "./report.ts";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const VERSION = "e2e";
const WORKERS = 2;
const CONCURRENCY = 64;
const ENDED = new Set([WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED, WorkflowExecution_Phase.ABORTED, WorkflowExecution_Phase.TIMED_OUT]);
type Admin = Client<typeof AdminService>;

const knob = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${process.env[name] ?? ""}'`);
  return value;
};

/** Runs the benchmark and prints its figures. */
export async function benchEndToEnd(): Promise<void> {
  await withCluster(stepRow);
  await withCluster(throughputRow);
  await withCluster(fanOutRow);
}

async function withCluster(row: (admin: Admin, cluster: Cluster) => Promise<void>): Promise<void> {
  const cluster = await startCluster({ workers: WORKERS, concurrency: CONCURRENCY, file: join("benchmarks", "e2e-workflows.ts"), project: PROJECT, domain: DOMAIN, version: VERSION });
  try {
    await row(createClient(AdminService, createGrpcTransport({ baseUrl: cluster.url })), cluster);
  } finally {
    await cluster.stop();
  }
}

async function stepRow(admin: Admin): Promise<void> {
  const n = knob("E2E_WORKFLOWS", 20);
  for (let i = 0; i < 3; i++) {
    await timed(admin, "e2e.ten", intMap({ x: i }));
    await timed(admin, "e2e.one", intMap({ x: i }));
  }
  const ten: number[] = [];
  const one: number[] = [];
  for (let i = 0; i < n; i++) {
    ten.push(await timed(admin, "e2e.ten", intMap({ x: i })));
    one.push(await timed(admin, "e2e.one", intMap({ x: i })));
  }
  const note = `${n} of each, one at a time; ${conditions()}`;
  report({ bench: "end-to-end", metric: "step_p50", value: (pct(ten, 50) - pct(one, 50)) / 9, unit: "ms/step", target: 1, note: `(p50 of the 10-task chain - p50 of the 1-task one) / 9; ${note}` });
  report({ bench: "end-to-end", metric: "workflow10_p50", value: pct(ten, 50), unit: "ms", note });
  report({ bench: "end-to-end", metric: "workflow10_p99", value: pct(ten, 99), unit: "ms", note });
  report({ bench: "end-to-end", metric: "workflow1_p50", value: pct(one, 50), unit: "ms", note });
}

async function throughputRow(admin: Admin, cluster: Cluster): Promise<void> {
  const executions = knob("E2E_EXECUTIONS", 3000);
  for (let i = 0; i < 10; i++) await timed(admin, "e2e.three", intMap({ x: i }));
  let next = 0;
  const start = performance.now();
  const cpuBefore = cluster.cpuMs();
  const workersBefore = cluster.workersCpuMs();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < executions) await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: launchPlan("e2e.three") }, inputs: intMap({ x: next++ }) });
    }),
  );
  await noneRunning(admin);
  const seconds = (performance.now() - start) / 1000;
  const note = `${executions} executions of a 3-task chain created by 32 clients, until none runs; ${conditions()}`;
  report({ bench: "end-to-end", metric: "workflows_per_s", value: executions / seconds, unit: "workflows/s", target: 800, note });
  report({ bench: "end-to-end", metric: "tasks_per_s", value: (3 * executions) / seconds, unit: "tasks/s", target: 2500, note });
  // CPU, not wall time: on a shared machine the load moves wall figures by 2-4x, CPU per task much less.
  const cpuNote = `CPU (user + system) of the server and both workers during the run / tasks; ${note}`;
  const tasks = 3 * executions;
  const workersMs = (cluster.workersCpuMs() - workersBefore) / tasks;
  const allMs = (cluster.cpuMs() - cpuBefore) / tasks;
  report({ bench: "end-to-end", metric: "cpu_ms_per_task", value: allMs, unit: "ms/task", note: cpuNote });
  // The split says whose CPU a change saved (the server's and the workers' are worked on apart).
  report({ bench: "end-to-end", metric: "cpu_ms_per_task_workers", value: workersMs, unit: "ms/task", note: `the workers' share of cpu_ms_per_task; ${note}` });
  report({ bench: "end-to-end", metric: "cpu_ms_per_task_server", value: allMs - workersMs, unit: "ms/task", note: `the server's share of cpu_ms_per_task; ${note}` });
}

async function fanOutRow(admin: Admin, cluster: Cluster): Promise<void> {
  const n = knob("E2E_FANOUT", 1000);
  const runs = knob("E2E_RUNS", 3);
  const xs = (k: number): LiteralMap =>
    create(LiteralMapSchema, {
      literals: { xs: create(LiteralSchema, { value: { case: "collection", value: { literals: Array.from({ length: k }, (_, i) => intLiteral(i)) } } }) },
    });
  await timed(admin, "e2e.fan", xs(2));
  const times: number[] = [];
  const cpuBefore = cluster.cpuMs();
  const workersBefore = cluster.workersCpuMs();
  for (let i = 0; i < runs; i++) times.push(await timed(admin, "e2e.fan", xs(n)));
  const workersMs = (cluster.workersCpuMs() - workersBefore) / runs;
  const serverMs = (cluster.cpuMs() - cpuBefore) / runs - workersMs;
  const note = `a map task over ${n} items, ${runs} runs; ${conditions()}`;
  report({ bench: "end-to-end", metric: `fanout_${n}_p50`, value: pct(times, 50), unit: "ms", target: 300, runs, note });
  report({ bench: "end-to-end", metric: `fanout_${n}_max`, value: Math.max(...times), unit: "ms", runs, note });
  // CPU per map, server and workers apart: the figure to compare A/B on a loaded machine.
  report({ bench: "end-to-end", metric: `fanout_${n}_cpu_ms_workers`, value: workersMs, unit: "ms/map", runs, note: `CPU (user + system) of both workers per map; ${note}` });
  report({ bench: "end-to-end", metric: `fanout_${n}_cpu_ms_server`, value: serverMs, unit: "ms/map", runs, note: `CPU (user + system) of the server per map (its polls included); ${note}` });
}

/** Creates an execution and polls it until it ends; its wall time in ms. Throws unless it succeeded. */
async function timed(admin: Admin, name: string, inputs: LiteralMap): Promise<number> {
  const start = performance.now();
  const { id } = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: launchPlan(name) }, inputs });
  for (;;) {
    const execution = await admin.getExecution({ id });
    const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
    if (ENDED.has(phase)) {
      if (phase !== WorkflowExecution_Phase.SUCCEEDED) throw new Error(`execution ${id?.name ?? "?"} of ${name} ended ${WorkflowExecution_Phase[phase]}`);
      return performance.now() - start;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function noneRunning(admin: Admin): Promise<void> {
  const page = (filters: string) => admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 1, filters });
  while ((await page("value_in(phase,UNDEFINED;QUEUED;RUNNING)")).executions.length > 0) await new Promise((r) => setTimeout(r, 10));
  const failed = (await page("value_in(phase,FAILED;ABORTED;TIMED_OUT)")).executions[0];
  if (failed !== undefined) throw new Error(`execution ${failed.id?.name ?? "?"} did not succeed`);
}

function launchPlan(name: string) {
  return { resourceType: ResourceType.LAUNCH_PLAN, project: PROJECT, domain: DOMAIN, name, version: VERSION };
}

/** Nearest-rank percentile, as the peer benches compute it. */
function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function conditions(): string {
  const [one = 0, five = 0] = loadavg();
  return `${WORKERS} workers x ${CONCURRENCY}, fsync on, isolates on; load average ${one.toFixed(2)} / ${five.toFixed(2)}`;
}
