/**
 * Durable execution on the server, fsync on every commit (`BENCH_FSYNC=0` turns it off):
 *
 * * node-to-node latency: a 50-node chain of trivial tasks run by one warm worker (a Connect
 *   client in this process, long-polling `Lease`). For each node after the first: from the worker
 *   sending `Complete` for the upstream node to it receiving the downstream node's assignment —
 *   upstream committed, downstream committed, enqueued, leased. The completion and the next
 *   enqueue share one fsync'd commit (leases are written unsynced), so the floor is about one
 *   fsync'd commit plus two HTTP hops; the commit latency is measured in the same run as the
 *   baseline.
 * * trivial tasks per second: 100 executions of a 20-wide fan in flight at once, completed by
 *   fake workers in a worker thread (throughput.ts).
 * * workflow executions per second: 500 executions of a 3-task chain, created 32 at a time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { startServer } from "../packages/server/src/server.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap, intsOf } from "../packages/server/src/testing/literals.ts";
import { TestSession } from "../packages/server/src/testing/test-session.ts";
import { median, report } from "./report.ts";
import { registerChain } from "./bench-workflows.ts";
import { durabilityNote, fsyncCommitLatency } from "./fsync-baseline.ts";
import { benchThroughput } from "./throughput.ts";

const NODES = 50;
const RUNS = 5;
const DBOS_P50_MS = 1.38;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function benchDurableExecution(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-durable-"));
  const server = await startServer({ dataDir, port: 0, fsync: process.env["BENCH_FSYNC"] !== "0" });
  let session: TestSession | undefined;
  try {
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
    const admin = createClient(AdminService, transport);
    const workers = createClient(WorkerService, createConnectTransport({ baseUrl: server.url, httpVersion: "2", acceptCompression: [] }));
    session = new TestSession((requests, signal) => workers.session(requests, { signal }), { workerId: "bench", credit: 1 });
    await registerFixtures(admin);
    await registerChain(admin, "long_chain", NODES);

    const gaps: number[] = [];
    const perRun: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const id = (await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "long_chain") }, inputs: intMap({ x: 0 }) })).id!;
      const started = performance.now();
      let lastComplete: number | undefined;
      for (let done = 0; done < NODES; done++) {
        const a = await session.next();
        const received = performance.now();
        if (lastComplete !== undefined) gaps.push(received - lastComplete);
        const x = intsOf(a.inputs)["x"] ?? 0n;
        lastComplete = performance.now();
        // The slot is free again once the outcome is sent, as a worker's is.
        void session.complete({ attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: x + 1n }) } });
        session.grant(1);
      }
      let phase = WorkflowExecution_Phase.RUNNING;
      while (phase !== WorkflowExecution_Phase.SUCCEEDED) {
        phase = (await admin.getExecution({ id })).closure?.phase ?? phase;
        if (phase === WorkflowExecution_Phase.FAILED) throw new Error("the benchmark chain failed");
      }
      perRun.push((performance.now() - started) / NODES);
    }
    const fsync = process.env["BENCH_FSYNC"] !== "0";
    const commit = fsyncCommitLatency(dataDir, fsync);
    const note = `${durabilityNote(fsync)}; one warm worker, ${NODES}-node chain; baseline = p50 of one ${fsync ? "fsync'd " : ""}single-row commit on this disk (${commit.p50.toFixed(2)} ms, p99 ${commit.p99.toFixed(2)} ms); DBOS p50 here ${DBOS_P50_MS} ms`;
    report({ bench: "durable-execution", metric: "node-to-node p50 (warm worker)", value: percentile(gaps, 50), unit: "ms", baseline: commit.p50, target: 5, runs: RUNS, note });
    report({ bench: "durable-execution", metric: "node-to-node p99 (warm worker)", value: percentile(gaps, 99), unit: "ms", baseline: commit.p99, target: 50, runs: RUNS, note });
    report({ bench: "durable-execution", metric: "chain time per node, create to SUCCEEDED", value: median(perRun), unit: "ms", runs: RUNS, note: durabilityNote(fsync) });
  } finally {
    await session?.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Latency, then throughput: `npm run bench -- durable-execution`. */
export async function benchDurable(): Promise<void> {
  await benchDurableExecution();
  await benchThroughput();
}

if (import.meta.main) await benchDurable();
