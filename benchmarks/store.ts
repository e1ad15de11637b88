/**
 * Durable storage: state transitions per second through SqliteStateStore (group commit, many
 * executions in flight), with fsync per commit and without; attempt-queue round trips
 * (enqueue → lease → complete) per second; and the wake-up latency of a long-polling worker.
 * The baseline is the raw single-row commit rate of the same database setting, measured in the
 * same run: what a store without group commit could reach at best.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { AttemptQueue } from "../packages/server/src/queue/index.ts";
import { SqliteStateStore } from "../packages/server/src/store/index.ts";
import { median, report } from "./report.ts";

const RUNS = 3;
const EXECUTIONS = 256;
const TASKS_PER_EXECUTION = 20;
/** Events per task: node QUEUED, node RUNNING (inputs), task RUNNING, task SUCCEEDED, node SUCCEEDED (outputs). */
const EVENTS_PER_TASK = 5;
const QUEUE_PIPELINES = 64;
const QUEUE_ROUNDS = 40;
const LATENCY_SAMPLES = 300;

const literal = create(LiteralMapSchema, {
  literals: { o0: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } } },
});
const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } });

function note(fsync: boolean): string {
  return fsync ? "fsync per commit (synchronous=FULL, WAL)" : "no fsync per commit (synchronous=NORMAL, WAL)";
}

/** Single-row commits per second, one after another: the physical limit without group commit. */
function rawCommitsPerSecond(dir: string, fsync: boolean, run: number): number {
  const db = openDatabase(join(dir, `raw-${fsync}-${run}.db`), { fsync });
  db.sqlite.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  const insert = db.sqlite.prepare("INSERT INTO t (v) VALUES (?)");
  const value = new Uint8Array(64);
  const count = fsync ? 1_000 : 5_000;
  const start = performance.now();
  for (let i = 0; i < count; i++) db.transaction(() => insert.run(value));
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return count / seconds;
}

/** Many executions, each running tasks one after another; every transition awaited (durable). */
async function transitionsPerSecond(dir: string, fsync: boolean, run: number): Promise<{ perSecond: number; commits: number }> {
  const store = SqliteStateStore.open(join(dir, `state-${fsync}-${run}.db`), { fsync });
  await Promise.all(
    Array.from({ length: EXECUTIONS }, (_, e) => store.createExecution({ executionId: `e${e}`, closure, inputs: literal, createdAt: 0 })),
  );
  const commitsBefore = store.committer.stats.commits;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: EXECUTIONS }, async (_, e) => {
      const executionId = `e${e}`;
      for (let t = 0; t < TASKS_PER_EXECUTION; t++) {
        const nodeId = `n${t}`;
        const at = performance.now();
        await store.record([
          { kind: "node", executionId, nodeId, phase: "QUEUED", occurredAt: at },
          { kind: "node", executionId, nodeId, phase: "RUNNING", occurredAt: at, inputs: literal },
          { kind: "task", executionId, nodeId, taskName: "t", attempt: 0, phase: "RUNNING", occurredAt: at },
        ]);
        await store.record([
          { kind: "task", executionId, nodeId, taskName: "t", attempt: 0, phase: "SUCCEEDED", occurredAt: at },
          { kind: "node", executionId, nodeId, phase: "SUCCEEDED", occurredAt: at, outputs: literal },
        ]);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const commits = store.committer.stats.commits - commitsBefore;
  await store.close();
  return { perSecond: (EXECUTIONS * TASKS_PER_EXECUTION * EVENTS_PER_TASK) / seconds, commits };
}

/** Concurrent enqueue → lease → complete round trips, each step awaited (durable). */
async function queueRoundTrips(dir: string, fsync: boolean, run: number): Promise<number> {
  const db = openDatabase(join(dir, `queue-${fsync}-${run}.db`), { fsync });
  const queue = new AttemptQueue(db);
  const payload = new Uint8Array(256);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: QUEUE_PIPELINES }, async (_, p) => {
      const worker = `w${p}`;
      for (let r = 0; r < QUEUE_ROUNDS; r++) {
        await queue.enqueue({ executionId: `e${p}`, nodeId: `n${r}`, attempt: 0, taskKey: "t", payload });
        const leased = await queue.lease(worker, { max: 1, leaseMs: 30_000 });
        for (const attempt of leased) await queue.complete(attempt.id, worker, payload);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return (QUEUE_PIPELINES * QUEUE_ROUNDS) / seconds;
}

/** Time from `enqueue` being called to a long-polling worker holding the lease, one at a time. */
async function wakeLatency(dir: string, run: number): Promise<{ p50: number; p99: number }> {
  const db = openDatabase(join(dir, `latency-${run}.db`), { fsync: true });
  const queue = new AttemptQueue(db);
  const payload = new Uint8Array(256);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const waiting = queue.leaseOrWait("w", { max: 1, leaseMs: 30_000, waitMs: 5_000 });
    await new Promise((resolve) => setImmediate(resolve)); // let the worker's first (empty) lease commit
    await new Promise((resolve) => setImmediate(resolve));
    const start = performance.now();
    void queue.enqueue({ executionId: "e", nodeId: `n${i}`, attempt: 0, taskKey: "t", payload });
    const [attempt] = await waiting;
    samples.push(performance.now() - start);
    if (attempt !== undefined) await queue.complete(attempt.id, "w", payload);
  }
  db.close();
  samples.sort((a, b) => a - b);
  return { p50: median(samples), p99: samples[Math.floor(samples.length * 0.99)] as number };
}

/** Runs the benchmark and prints its figures. */
export async function benchStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bench-store-"));
  try {
    for (const fsync of [true, false]) {
      const baseline: number[] = [];
      const transitions: number[] = [];
      const commits: number[] = [];
      const queue: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        baseline.push(rawCommitsPerSecond(dir, fsync, r));
        const result = await transitionsPerSecond(dir, fsync, r);
        transitions.push(result.perSecond);
        commits.push(result.commits);
        queue.push(await queueRoundTrips(dir, fsync, r));
      }
      const base = median(baseline);
      const perSecond = median(transitions);
      report({
        bench: "sqlite-state-store",
        metric: "state_transitions_per_second",
        value: perSecond,
        unit: "events/s",
        baseline: base,
        runs: RUNS,
        note: `${note(fsync)}; group commit; ${EXECUTIONS} executions in flight, each transition awaited; baseline = single-row commits/s`,
      });
      report({
        bench: "sqlite-state-store",
        metric: "tasks_per_second",
        value: perSecond / EVENTS_PER_TASK,
        unit: "tasks/s",
        ...(fsync ? { target: 2000 } : {}),
        runs: RUNS,
        note: `${note(fsync)}; ${EVENTS_PER_TASK} events per task in 2 record calls; median ${median(commits)} commits per run`,
      });
      report({
        bench: "attempt-queue",
        metric: "round_trips_per_second",
        value: median(queue),
        unit: "round trips/s",
        baseline: base / 3,
        runs: RUNS,
        note: `${note(fsync)}; enqueue -> lease -> complete, ${QUEUE_PIPELINES} concurrent pipelines; baseline = single-row commits/s / 3 (one commit per step)`,
      });
    }
    const latencies: { p50: number; p99: number }[] = [];
    for (let r = 0; r < RUNS; r++) latencies.push(await wakeLatency(dir, r));
    report({
      bench: "attempt-queue",
      metric: "enqueue_to_lease_p50",
      value: median(latencies.map((l) => l.p50)),
      unit: "ms",
      target: 5,
      runs: RUNS,
      note: `${note(true)}; enqueue committed, long-polling worker woken, lease committed; p99 ${median(latencies.map((l) => l.p99)).toFixed(2)} ms`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
