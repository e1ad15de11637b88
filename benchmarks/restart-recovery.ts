/**
 * Recovery after a crash: a `flyte start` process (no pool) gets 1,000 executions of a 3-task
 * chain, all waiting for a worker, and is killed with SIGKILL; a new one is started on the same
 * data dir and port, with fake workers (fake-workers.ts) polling throughout, as warm ones would. Figures,
 * from process start and from the "serving" line: the first state change committed after the
 * restart, and the first node SUCCEEDED (real progress: a worker's completion recorded). Found by
 * polling the database read-only every 2 ms, so each includes up to a poll of delay. fsync on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerChain } from "./bench-workflows.ts";
import { startFakeWorkers } from "./fake-workers.ts";
import { durabilityNote } from "./fsync-baseline.ts";
import { median, report } from "./report.ts";

const IN_FLIGHT = 1_000;
const RUNS = 3;
const ROOT = resolve(import.meta.dirname, "..");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** Spawns `flyte start`; resolves when it prints that it serves, with the time it did. */
async function start(dataDir: string, port: number): Promise<{ child: ChildProcess; servingAt: number }> {
  const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", "start", "--port", String(port), "--data-dir", dataDir, "--workers", "0"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const servingAt = await new Promise<number>((done, fail) => {
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      if (c.includes("serving on")) done(Date.now());
    });
    child.once("exit", (code) => fail(new Error(`flyte start exited with ${code}`)));
  });
  return { child, servingAt };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill(signal);
  await exited;
}

async function oneRun(): Promise<{ serving: number; firstChange: number; firstSuccess: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-restart-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let { child } = await start(dataDir, port);
  try {
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    await registerChain(admin, "chain3", 3);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < IN_FLIGHT) {
          const x = next++;
          await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "chain3") }, inputs: intMap({ x }) });
        }
      }),
    );
    const db = new DatabaseSync(join(dataDir, "flyte.db"), { readOnly: true });
    const pending = db.prepare("SELECT count(*) AS n FROM queue_attempts WHERE state = 'pending'");
    while ((pending.get() as { n: number }).n < IN_FLIGHT) await sleep(10);
    await kill(child, "SIGKILL");

    // Warm workers, already polling (and failing to reach the server) when it restarts.
    const workers = startFakeWorkers({ endpoint: url, loops: 2, batch: 16 });
    await sleep(500);
    const startedAt = Date.now();
    const restarting = start(dataDir, port);
    const changed = db.prepare("SELECT 1 FROM node_executions WHERE updated_at >= ? LIMIT 1");
    const succeeded = db.prepare("SELECT 1 FROM node_executions WHERE phase = 'SUCCEEDED' AND updated_at >= ? LIMIT 1");
    let firstChange = Number.NaN;
    for (;;) {
      const now = Date.now();
      if (Number.isNaN(firstChange) && changed.get(startedAt) !== undefined) firstChange = now;
      if (succeeded.get(startedAt) !== undefined) break;
      if (now - startedAt > 60_000) throw new Error("no node succeeded within 60 s of the restart");
      await sleep(2);
    }
    const firstSuccess = Date.now();
    const restarted = await restarting;
    child = restarted.child;
    await workers.stop();
    db.close();
    return { serving: restarted.servingAt - startedAt, firstChange: firstChange - startedAt, firstSuccess: firstSuccess - startedAt };
  } finally {
    await kill(child, "SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchRestartRecovery(): Promise<void> {
  const runs: { serving: number; firstChange: number; firstSuccess: number }[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await oneRun());
  const serving = median(runs.map((r) => r.serving));
  const note = `${durabilityNote(true)}; ${IN_FLIGHT} executions of a 3-task chain in flight at the SIGKILL; baseline = process start to serving`;
  const figure = (metric: string, value: number, target?: number): void =>
    report({ bench: "restart-recovery", metric, value, unit: "ms", baseline: serving, runs: RUNS, note, ...(target !== undefined ? { target } : {}) });
  figure("process start to serving", serving);
  figure("process start to first state change committed", median(runs.map((r) => r.firstChange)), 1000);
  figure("serving to first state change committed", median(runs.map((r) => r.firstChange - r.serving)));
  figure("process start to first node SUCCEEDED (warm workers)", median(runs.map((r) => r.firstSuccess)), 1000);
  figure("serving to first node SUCCEEDED", median(runs.map((r) => r.firstSuccess - r.serving)));
}

if (import.meta.main) await benchRestartRecovery();
