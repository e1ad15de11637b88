/**
 * Counts, per execution, what the server does for the throughput row: SQLite statements (by SQL
 * text too), group-commit operations, commits and fsyncs. Counts move neither with the machine's
 * load nor with other sessions' benchmarks, so they are the A/B figure to trust on a shared
 * machine. A real server in this process (fsync on), the test worker over HTTP/2, N executions of
 * the 3-task chain created by 32 clients, until none runs.
 *
 * Run: `node benchmarks/server-counts.ts [N]` (N = 300). Prints one JSON line per figure, then the
 * statements that cost the most CPU (`TOP`, 12) on stderr.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, StatementSync } from "node:sqlite";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ExecutionCreateRequestSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { startServer } from "../packages/server/src/server.ts";
import { durableExecutions, type DurableExecutionsParts } from "../packages/server/src/executions/durable-executions.ts";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { startTestWorker } from "../packages/server/src/testing/test-worker.ts";

const executions = Number(process.argv[2] ?? 300);
const bySql = new Map<string, { n: number; us: number }>();
let statements = 0;
const cpuUs = (): number => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};
// CPU time of the main thread, not wall time: on a shared machine wall time inside a call
// includes the waits for a core.
const timed = <T>(sql: string, run: () => T): T => {
  statements++;
  const start = cpuUs();
  try {
    return run();
  } finally {
    const entry = bySql.get(sql) ?? { n: 0, us: 0 };
    entry.n++;
    entry.us += cpuUs() - start;
    bySql.set(sql, entry);
  }
};
// Every statement the server runs goes through one of these (`iterate` is timed to its return only).
for (const method of ["run", "get", "all", "iterate"] as const) {
  const original = (StatementSync.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[method] as (...args: unknown[]) => unknown;
  (StatementSync.prototype as unknown as Record<string, unknown>)[method] = function (this: StatementSync, ...args: unknown[]) {
    return timed(this.sourceSQL, () => original.apply(this, args));
  };
}
const databaseMethods = DatabaseSync.prototype as unknown as Record<string, (sql: string) => void>;
const exec = databaseMethods["exec"] as (sql: string) => void;
databaseMethods["exec"] = function (this: DatabaseSync, sql: string) {
  timed(sql, () => exec.call(this, sql));
};

const dataDir = mkdtempSync(join(tmpdir(), "flyte-server-counts-"));
let parts: DurableExecutionsParts | undefined;
const server = await startServer({ dataDir, port: 0, fsync: true, executions: durableExecutions({ onReady: (p) => (parts = p) }) });
const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
await registerFixtures(admin);
const worker = startTestWorker(server.url);
const request = (x: number) =>
  create(ExecutionCreateRequestSchema, { project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "chain") }, inputs: intMap({ x }) });
try {
  // Warm-up: the launch plan decoded, statements prepared.
  for (let i = 0; i < 5; i++) await admin.createExecution(request(i));
  await noneRunning();
  const committer = parts?.context.store.committer;
  if (committer === undefined) throw new Error("the durable execution service did not start");
  const before = committer.stats;
  const statementsBefore = statements;
  bySql.clear();
  let next = 0;
  const cpu = process.cpuUsage();
  const threadCpu = cpuUs();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < executions) await admin.createExecution(request(next++));
    }),
  );
  await noneRunning();
  const used = process.cpuUsage(cpu);
  const threadUsed = cpuUs() - threadCpu;
  const after = committer.stats;
  const per = (n: number) => Math.round((n / executions) * 100) / 100;
  const report = (metric: string, value: number, unit: string) => console.log(JSON.stringify({ bench: "server-counts", metric, value, unit, note: `${executions} executions of the 3-task chain, 32 clients, test worker in process` }));
  report("statements", per(statements - statementsBefore), "per execution");
  report("operations", per(after.operations - before.operations), "per execution");
  report("commits", per(after.commits - before.commits), "per execution");
  report("unsynced_commits", per(after.unsyncedCommits - before.unsyncedCommits), "per execution");
  report("fsyncs", per(after.walSyncs - before.walSyncs), "per execution");
  report("checkpoints", after.checkpoints - before.checkpoints, "in the run (off the event loop)");
  report("process_cpu", per((used.user + used.system) / 1000), "ms per execution (server, test worker and clients, every thread)");
  report("main_thread_cpu", per(threadUsed / 1000), "ms per execution (server, test worker and clients)");
  const us = [...bySql.values()].reduce((sum, e) => sum + e.us, 0);
  report("statement_cpu", per(us / 1000), "ms per execution (main thread's CPU inside SQLite calls)");
  // Per statement text: count and CPU microseconds per execution, the most first.
  const top = [...bySql].sort((a, b) => b[1].us - a[1].us).slice(0, Number(process.env["TOP"] ?? 12));
  for (const [sql, e] of top) console.error(`${per(e.n).toFixed(2).padStart(6)} ${String(Math.round(e.us / executions)).padStart(5)} us  ${sql.replace(/\s+/g, " ").slice(0, 140)}`);
} finally {
  await worker.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function noneRunning(): Promise<void> {
  const page = (filters: string) => admin.listExecutions({ id: { project: PROJECT, domain: DOMAIN }, limit: 1, filters });
  for (;;) {
    const running = (await page("value_in(phase,UNDEFINED;QUEUED;RUNNING)")).executions.length;
    if (running === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const failed = (await page("value_in(phase,FAILED;ABORTED;TIMED_OUT)")).executions[0];
  if (failed !== undefined) throw new Error(`execution ${failed.id?.name ?? "?"} ended ${WorkflowExecution_Phase[failed.closure?.phase ?? 0]}: ${failed.closure?.outputResult.case === "error" ? failed.closure.outputResult.value.message : ""}`);
}
