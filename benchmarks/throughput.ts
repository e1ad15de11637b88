/**
 * Durable throughput of the server (fsync per commit unless BENCH_FSYNC=0): trivial tasks per
 * second with many executions in flight (100 executions of a 20-wide fan), and workflow
 * executions per second (500 executions of a 3-task chain, created 32 at a time). Workers are
 * fake (fake-workers.ts) and run in a worker thread, so the figures are the server's: API,
 * engine, group-committed store and queue. Each is timed from the first CreateExecution to the
 * last execution SUCCEEDED. Baseline: single-row fsync'd commits per second on this disk, what a
 * server committing each transition alone could reach at best.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { startServer } from "../packages/server/src/server.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerChain, registerFan } from "./bench-workflows.ts";
import { startFakeWorkers } from "./fake-workers.ts";
import { durabilityNote, fsyncCommitLatency } from "./fsync-baseline.ts";
import { median, report } from "./report.ts";

const RUNS = 3;
const FAN_EXECUTIONS = 100;
const FAN_WIDTH = 20;
const CHAIN_EXECUTIONS = 500;
const CREATORS = 32;

/** Creates `count` executions of launch plan `name`, `CREATORS` at a time; resolves when all are created. */
async function createMany(admin: Client<typeof AdminService>, name: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CREATORS, count) }, async () => {
      while (next < count) {
        const x = next++;
        await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, name) }, inputs: intMap({ x }) });
      }
    }),
  );
}

/** Resolves once no execution is running (after all were created); throws if one did not succeed. Cheap polls: limit 1. */
async function allSucceeded(admin: Client<typeof AdminService>): Promise<void> {
  const id = { project: PROJECT, domain: DOMAIN };
  for (;;) {
    const running = await admin.listExecutions({ id, limit: 1, filters: "value_in(phase,UNDEFINED;QUEUED;RUNNING)" });
    if (running.executions.length === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const failed = await admin.listExecutions({ id, limit: 1, filters: "value_in(phase,FAILED;ABORTED;TIMED_OUT)" });
  if (failed.executions.length > 0) throw new Error(`a benchmark execution failed: ${failed.executions[0]?.id?.name}`);
}

/** One timed run on a fresh server: seconds from the first create to the last success. */
async function timedRun(fsync: boolean, setup: (admin: Client<typeof AdminService>) => Promise<void>, lp: string, count: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-throughput-"));
  const server = await startServer({ dataDir, port: 0, fsync });
  const workers = startFakeWorkers({ endpoint: server.url, loops: 8, batch: 32 });
  try {
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    await setup(admin);
    const start = performance.now();
    await createMany(admin, lp, count);
    await allSucceeded(admin);
    return (performance.now() - start) / 1000;
  } finally {
    await workers.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchThroughput(): Promise<void> {
  const fsync = process.env["BENCH_FSYNC"] !== "0";
  const dir = mkdtempSync(join(tmpdir(), "flyte-bench-baseline-"));
  const commits = fsyncCommitLatency(dir, fsync).perSecond;
  rmSync(dir, { recursive: true, force: true });
  const fan: number[] = [];
  const chain: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    fan.push((FAN_EXECUTIONS * FAN_WIDTH) / (await timedRun(fsync, (a) => registerFan(a, "fan", FAN_WIDTH), "fan", FAN_EXECUTIONS)));
    chain.push(CHAIN_EXECUTIONS / (await timedRun(fsync, (a) => registerChain(a, "chain3", 3), "chain3", CHAIN_EXECUTIONS)));
  }
  const base = `baseline = single-row ${fsync ? "fsync'd " : ""}commits/s on this disk`;
  report({
    bench: "durable-throughput",
    metric: "trivial tasks per second",
    value: median(fan),
    unit: "tasks/s",
    baseline: commits,
    target: 2000,
    runs: RUNS,
    note: `${durabilityNote(fsync)}; ${FAN_EXECUTIONS} executions x ${FAN_WIDTH}-wide fan in flight, fake workers in a thread; ${base}`,
  });
  report({
    bench: "durable-throughput",
    metric: "workflow executions per second (3-task chain)",
    value: median(chain),
    unit: "executions/s",
    baseline: commits / 10,
    target: 300,
    runs: RUNS,
    note: `${durabilityNote(fsync)}; ${CHAIN_EXECUTIONS} executions created ${CREATORS} at a time, fake workers in a thread; ${base} / 10 (about ten transitions per execution)`,
  });
}

if (import.meta.main) await benchThroughput();
