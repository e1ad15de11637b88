/**
 * Durable node-to-node latency on the server: a 50-node chain of trivial tasks run by one warm
 * worker (a Connect client in this process, long-polling `Lease`), fsync on every commit. For each
 * node after the first: from the worker sending `Complete` for the upstream node to the worker
 * receiving the downstream node's assignment — upstream committed, downstream committed, enqueued,
 * leased. Baseline: DBOS's p50 on this class of machine (performance.md), 1.38 ms. The path holds three
 * sequential fsync'd commits (completion; next attempt with its events; lease), so on a disk where
 * one commit costs ~3 ms the floor is ~9 ms. `BENCH_FSYNC=0` turns fsync off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { startServer } from "../packages/server/src/server.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures, createLaunchPlan } from "../packages/server/src/testing/fixtures.ts";
import { intMap, intsOf } from "../packages/server/src/testing/literals.ts";
import { median, report } from "./report.ts";

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
  try {
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
    const admin = createClient(AdminService, transport);
    const workers = createClient(WorkerService, transport);
    await registerFixtures(admin);
    const INT = { type: { case: "simple" as const, value: SimpleType.INTEGER } };
    const nodes = Array.from({ length: NODES }, (_, i) => ({
      id: `n${i}`,
      inputs: [{ var: "x", binding: { value: { case: "promise" as const, value: { nodeId: i === 0 ? "start-node" : `n${i - 1}`, var: i === 0 ? "x" : "o0" } } } }],
      target: { case: "taskNode" as const, value: { reference: { case: "referenceId" as const, value: idOf(ResourceType.TASK, "inc") } } },
    }));
    await admin.createWorkflow({
      id: idOf(ResourceType.WORKFLOW, "long_chain"),
      spec: {
        template: {
          id: idOf(ResourceType.WORKFLOW, "long_chain"),
          interface: { inputs: { variables: { x: { type: INT } } }, outputs: { variables: { o0: { type: INT } } } },
          nodes,
          outputs: [{ var: "o0", binding: { value: { case: "promise", value: { nodeId: `n${NODES - 1}`, var: "o0" } } } }],
        },
      },
    });
    await createLaunchPlan(admin, "long_chain", "long_chain", {});

    const gaps: number[] = [];
    const perRun: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const id = (await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "long_chain") }, inputs: intMap({ x: 0 }) })).id!;
      const started = performance.now();
      let lastComplete: number | undefined;
      for (let done = 0; done < NODES; ) {
        const { assignments } = await workers.lease({ workerId: "bench", max: 1, waitMs: 5000, leaseMs: 30_000 });
        const received = performance.now();
        for (const a of assignments) {
          if (lastComplete !== undefined) gaps.push(received - lastComplete);
          const x = intsOf(a.inputs)["x"] ?? 0n;
          lastComplete = performance.now();
          await workers.complete({ workerId: "bench", attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: x + 1n }) } });
          done++;
        }
      }
      let phase = WorkflowExecution_Phase.RUNNING;
      while (phase !== WorkflowExecution_Phase.SUCCEEDED) {
        phase = (await admin.getExecution({ id })).closure?.phase ?? phase;
        if (phase === WorkflowExecution_Phase.FAILED) throw new Error("the benchmark chain failed");
      }
      perRun.push((performance.now() - started) / NODES);
    }
    report({ bench: "durable-execution", metric: "node-to-node p50 (fsync, warm worker)", value: percentile(gaps, 50), unit: "ms", baseline: DBOS_P50_MS, target: 5, runs: RUNS });
    report({ bench: "durable-execution", metric: "node-to-node p99 (fsync, warm worker)", value: percentile(gaps, 99), unit: "ms", target: 50, runs: RUNS });
    report({ bench: "durable-execution", metric: "chain time per node, create to SUCCEEDED (fsync)", value: median(perRun), unit: "ms", runs: RUNS });
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchDurableExecution();
