/**
 * CPU per step of the worker session's wire, in one process: an attempt enqueued, handed out on
 * a session, completed and acknowledged, one at a time (a chain). Modes: `router`, connect-es's
 * client and router (the wire before); `direct`, the same client against the server's direct path
 * (dispatch/session-direct.ts), so the difference is the server's transport; `worker`, the
 * worker's own session (packages/worker/src/session.ts, its plain HTTP/2 stream) against the
 * direct path: the wire now, both ends.
 * A real SQLite queue (fsync off); client and server share the process, so the figure is the
 * process's CPU per step (both ends), which moves far less with the machine's load than wall time.
 *
 * Run: `node benchmarks/session-wire.ts [STEPS] [ROUNDS]` (2,000 steps per run, 3 rounds of the
 * three modes in turn). Prints one JSON line per run: mode, CPU µs per step, wall p50 µs per step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { Http2SessionManager, connectNodeAdapter, createConnectTransport } from "@connectrpc/connect-node";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { openDatabase } from "../packages/server/src/db/database.ts";
import { sessionDirectPath } from "../packages/server/src/dispatch/session-direct.ts";
import { workerService } from "../packages/server/src/dispatch/worker-service.ts";
import { WorkerTaskRunner } from "../packages/server/src/dispatch/worker-task-runner.ts";
import { AttemptQueue } from "../packages/server/src/queue/attempt-queue.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { TestSession } from "../packages/server/src/testing/test-session.ts";
import { completionBytes } from "../packages/worker/src/completion-bytes.ts";
import { WorkerSession } from "../packages/worker/src/session.ts";

const steps = Number(process.argv[2] ?? 2_000);
const rounds = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "flyte-session-wire-"));
const db = openDatabase(join(dir, "flyte.db"), { fsync: false });
const queue = new AttemptQueue(db);
const runner = new WorkerTaskRunner({ queue, expiryCheckMs: 3_600_000 });
const env = { queue, runner };
const direct = sessionDirectPath(env, { readMaxBytes: 64 * 1024 * 1024 });
const router = connectNodeAdapter({ routes: (r) => r.service(WorkerService, workerService(env)) });
type Mode = "router" | "direct" | "worker";
let mode: Mode = "router";
const server = http2.createServer((req, res) => {
  if (mode !== "router" && direct(req, res, (req.url ?? "/").split("?", 1)[0] ?? "/")) return;
  router(req, res);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const task = create(TaskTemplateSchema, {
  id: { project: "p", domain: "d", name: "t", version: "v" },
  target: { case: "container", value: { args: ["run", "--additional-distribution", "http://x/b.tgz"] } },
});
let execution = 0;

/** A client whose `step` runs one attempt of the chain through the session. */
interface Client {
  readonly step: () => Promise<void>;
  readonly close: () => Promise<void>;
}

const request = () => ({ executionId: `p:d:e${++execution}`, nodeId: "n0", attempt: 0, task, inputs: intMap({ x: 1 }), signal: new AbortController().signal });
const outcome = new Uint8Array(); // an outcome-less completion: the queue records it all the same

function connectClient(which: Mode): Client {
  const client = createClient(WorkerService, createConnectTransport({ baseUrl: url, httpVersion: "2", acceptCompression: [] }));
  const session = new TestSession((requests, signal) => client.session(requests, { signal }), { workerId: `w-${which}`, credit: 1 });
  return {
    step: async () => {
      const pending = runner.run(request());
      const a = await session.next();
      await session.complete({ attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: 2 }) } });
      session.grant(1);
      await pending;
    },
    close: () => session.close(),
  };
}

function workerClient(): Client {
  const connection = new Http2SessionManager(url);
  let running = 0;
  const session: WorkerSession = new WorkerSession(connection, { workerId: "w-worker", endpoint: url, leaseMs: 30_000 }, {
    assigned: (assignments) => {
      for (const a of assignments) {
        running++;
        const bytes = completionBytes({ workerId: "w-worker", attemptId: a.attemptId, leaseToken: a.leaseToken, log: "", startedAt: 1, finishedAt: 2 }, outcome);
        running--;
        session.refresh();
        void session.complete(a.attemptId, bytes);
      }
    },
    cancelled: () => {},
    free: () => 1 - running,
    running: () => [],
    log: () => {},
  });
  const done = session.run();
  return {
    step: async () => {
      await runner.run(request());
    },
    close: async () => {
      session.close();
      await done;
      connection.abort();
    },
  };
}

async function run(which: Mode): Promise<void> {
  mode = which;
  const { step, close } = which === "worker" ? workerClient() : connectClient(which);
  for (let i = 0; i < 200; i++) await step();
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    walls.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  await close();
  // The server learns of the closed stream a moment later; until then its session may still
  // take the next mode's first attempt as a waiting claimer (it would then expire, 30 s later).
  await new Promise((resolve) => setTimeout(resolve, 200));
  walls.sort((a, b) => a - b);
  const load = (await import("node:os")).loadavg()[0] ?? 0;
  console.log(JSON.stringify({ mode: which, cpu_us_per_step: Math.round((cpu.user + cpu.system) / steps), wall_p50_us: Math.round((walls[walls.length >> 1] ?? 0) * 1000), load: Number(load.toFixed(2)) }));
}

try {
  for (let r = 0; r < rounds; r++) {
    await run("router");
    await run("direct");
    await run("worker");
  }
} finally {
  runner.close();
  server.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
