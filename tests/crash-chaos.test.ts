// Chaos: many executions of a workflow with a branch, a sub-workflow and a map run on `flyte
// start` with two pooled workers, while the test SIGKILLs a worker in the middle of an attempt and
// SIGKILLs the server at random moments (restarting it on the same data dir and port). Every
// execution must still succeed with the right outputs, and the records must show each attempt
// completed once, retried attempts lost by their (killed) worker, and one success per node, its
// last attempt. The moments come from a seeded generator: CHAOS_SEED=<seed> replays a run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { CompleteRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap, intsOf } from "../packages/server/src/testing/literals.ts";
import { alive, flyteAsync } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";
import { expectedChaos } from "./testdata/chaos.ts";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const EXECUTIONS = 40;
/** Short leases, so a killed worker's attempts are retried within a second or two. */
const LEASE_MS = 1_200;
const SERVER_KILLS = 3;

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The worker processes `flyte start` (pid) runs now. */
function workerPids(serverPid: number): number[] {
  const ps = spawnSync("ps", ["-o", "pid=", "--ppid", String(serverPid)], { encoding: "utf8" });
  return ps.stdout.split("\n").map((l) => Number(l.trim())).filter((p) => p > 0);
}

describe("executions under chaos", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-chaos-"));
  const dbPath = join(dataDir, "flyte.db");
  let server: ServerProcess | undefined;
  const spawnedWorkers = new Set<number>();

  /** A read-only query of the live database (WAL lets it read beside the server). */
  const query = <T,>(sql: string, ...params: (string | number)[]): T[] => {
    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const inFlight = (): number =>
    query<{ n: number }>("SELECT count(*) AS n FROM executions WHERE phase NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT')")[0]?.n ?? 0;

  after(async () => {
    await server?.stop();
    // Workers of killed servers exit on their own once their parent is gone; make sure of it.
    for (const pid of spawnedWorkers) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("every execution succeeds with the right outputs, each attempt recorded once", async () => {
    const seed = Number(process.env["CHAOS_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`# chaos seed ${seed} (replay with CHAOS_SEED=${seed})`);
    const random = seeded(seed);
    const between = (lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));
    const began = Date.now();

    const port = await freePort();
    const boot = async (): Promise<ServerProcess> => {
      const s = await startServerProcess(dataDir, ["--port", String(port), "--workers", "2"], { FLYTE_WORKER_LEASE_MS: String(LEASE_MS) });
      for (let i = 0; workerPids(s.child.pid!).length < 2; i++) {
        assert.ok(i < 200, "the worker pool did not start");
        await sleep(10);
      }
      for (const pid of workerPids(s.child.pid!)) spawnedWorkers.add(pid);
      return s;
    };
    server = await boot();
    const admin: Client<typeof AdminService> = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));

    const registered = await flyteAsync(["register", "tests/testdata/chaos.ts", "--json", "--endpoint", server.url]);
    assert.equal(registered.status, 0, registered.stderr);
    const { version } = JSON.parse(registered.stdout) as { version: string };
    const launchPlan = { resourceType: ResourceType.LAUNCH_PLAN, project: PROJECT, domain: DOMAIN, name: "chaos_wf", version };
    const names = await Promise.all(
      Array.from({ length: EXECUTIONS }, async (_, x) => {
        const created = await admin.createExecution({ project: PROJECT, domain: DOMAIN, name: `chaos-${x}`, spec: { launchPlan }, inputs: intMap({ x }) });
        return created.id!.name;
      }),
    );

    // A worker killed while it holds a lease: pick one by the pid in its worker id.
    await sleep(between(100, 500));
    let killedWorker: string | undefined;
    for (let i = 0; killedWorker === undefined; i++) {
      assert.ok(i < 500, "no worker of the pool ever held a lease");
      const pool = new Set(workerPids(server.child.pid!));
      const holders = query<{ worker_id: string }>("SELECT DISTINCT worker_id FROM queue_attempts WHERE state = 'leased'");
      const holder = holders.find((h) => pool.has(Number(h.worker_id.split("-").at(-2))));
      if (holder !== undefined) {
        process.kill(Number(holder.worker_id.split("-").at(-2)), "SIGKILL");
        killedWorker = holder.worker_id;
      } else await sleep(10);
    }
    console.log(`# killed worker ${killedWorker} at ${Date.now() - began} ms`);

    for (let k = 0; k < SERVER_KILLS; k++) {
      await sleep(between(200, 900));
      const running = inFlight();
      assert.ok(running > 0, `every execution ended before server kill ${k + 1}: make the workload longer`);
      for (const pid of workerPids(server.child.pid!)) spawnedWorkers.add(pid);
      const exited = new Promise((resolve) => server!.child.once("exit", resolve));
      server.child.kill("SIGKILL");
      await exited;
      console.log(`# server SIGKILLed at ${Date.now() - began} ms with ${running} executions in flight`);
      server = await boot();
    }

    for (let i = 0; inFlight() > 0; i++) {
      assert.ok(Date.now() - began < 240_000, `${inFlight()} executions still running after 240 s:\n${server.stderr()}`);
      await sleep(100);
    }
    console.log(`# all ${EXECUTIONS} executions ended ${Date.now() - began} ms after the start`);

    for (const [x, name] of names.entries()) {
      const execution = await admin.getExecution({ id: { project: PROJECT, domain: DOMAIN, name } });
      const closure = execution.closure;
      const why = closure?.outputResult.case === "error" ? closure.outputResult.value.message : "";
      assert.equal(WorkflowExecution_Phase[closure?.phase ?? 0], "SUCCEEDED", `${name}: ${why}`);
      assert.deepEqual(closure?.outputResult.case === "outputData" && intsOf(closure.outputResult.value), { o0: BigInt(expectedChaos(x)) }, name);
    }

    await server.stop();
    server = undefined;
    // The queue: attempts of a node are numbered 0..k; every one before the last was lost by its
    // worker (lease expired), the last one completed exactly once, with outputs (or a dynamic spec).
    const attempts = query<{ execution_id: string; node_id: string; attempt: number; state: string; worker_id: string | null; result: Uint8Array | null }>(
      "SELECT execution_id, node_id, attempt, state, worker_id, result FROM queue_attempts ORDER BY execution_id, node_id, attempt",
    );
    const byNode = Map.groupBy(attempts, (a) => `${a.execution_id}/${a.node_id}`);
    assert.ok(byNode.size >= EXECUTIONS * 8, `only ${byNode.size} nodes queued attempts`);
    for (const [node, rows] of byNode) {
      assert.deepEqual(rows.map((r) => r.attempt), rows.map((_, i) => i), `${node}: attempt numbers`);
      const last = rows.at(-1)!;
      assert.deepEqual(rows.map((r) => r.state), [...rows.slice(0, -1).map(() => "expired"), "completed"], `${node}: attempt states`);
      const outcome = fromBinary(CompleteRequestSchema, last.result!).outcome.case;
      assert.ok(outcome === "outputs", `${node}: the last attempt completed with ${outcome}`);
    }
    const lost = attempts.filter((a) => a.state === "expired");
    assert.ok(lost.some((a) => a.worker_id === killedWorker), `no attempt of the killed worker ${killedWorker} was retried`);
    console.log(`# ${attempts.length} attempts of ${byNode.size} nodes; ${lost.length} retried after their lease expired`);

    // The state store: one record per attempt, and one success per node, its last attempt.
    const tasks = query<{ execution_id: string; node_id: string; attempt: number; phase: string }>(
      "SELECT execution_id, node_id, attempt, phase FROM task_executions ORDER BY execution_id, node_id, attempt",
    );
    for (const [node, rows] of Map.groupBy(tasks, (t) => `${t.execution_id}/${t.node_id}`)) {
      const succeeded = rows.filter((r) => r.phase === "SUCCEEDED");
      assert.equal(succeeded.length, 1, `${node}: ${rows.map((r) => `${r.attempt}:${r.phase}`).join(", ")}`);
      assert.equal(succeeded[0]!.attempt, rows.at(-1)!.attempt, `${node}: the success is not the last attempt`);
      assert.equal(rows.length, byNode.get(node)?.length, `${node}: task executions and queued attempts differ`);
    }
  });
});
