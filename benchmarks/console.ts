/**
 * The console in Debian's Chromium against a real `flyte start` (no workers, so executions stay
 * in flight): time from navigation to the executions page's first rows with many executions in
 * the store, and to a 5,000-node execution graph drawn and answering a click (layout in a Web
 * Worker). Opt-in (`npm run bench -- console`): it needs /usr/bin/chromium and a built console.
 * CONSOLE_BENCH_EXECUTIONS sets how many executions are created first (default 2,000; the budget
 * is stated for 100,000, which takes long to create through the API).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { chromium } from "playwright-core";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerChain, registerFan } from "./bench-workflows.ts";
import { median, report } from "./report.ts";

const ROOT = resolve(import.meta.dirname, "..");
const EXECUTIONS = Number(process.env["CONSOLE_BENCH_EXECUTIONS"] ?? "2000");
const GRAPH_NODES = 5_000;
const RUNS = 3;

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", "start", "--port", "0", "--data-dir", dataDir, "--workers", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      const m = /serving on (http:\/\/\S+)/.exec(c);
      if (m !== null) done(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`flyte start exited with ${code}`)));
  });
  return { child, url };
}

/** Figures of the console's budgets. */
export async function benchConsole(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-console-"));
  const { child, url } = await startServer(dataDir);
  const browser = await chromium.launch({ executablePath: process.env["FLYTE_CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    await registerChain(admin, "one", 1);
    await registerFan(admin, "fan", GRAPH_NODES);
    for (let i = 0; i < EXECUTIONS; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, EXECUTIONS - i) }, () =>
        admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "one") }, inputs: intMap({ x: 1 }) })));
    }
    const fan = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "fan") }, inputs: intMap({ x: 1 }) });

    const listTimes: number[] = [];
    const graphTimes: number[] = [];
    const drawTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      let start = performance.now();
      await page.goto(`${url}/console/projects/${PROJECT}/executions?domain=${DOMAIN}`);
      await page.locator("table tbody tr").first().waitFor();
      listTimes.push(performance.now() - start);

      start = performance.now();
      await page.goto(`${url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions/${fan.id?.name ?? ""}`);
      // Only nodes in view are drawn: click the first one drawn.
      const node = page.locator("[data-node-id]").first();
      await node.waitFor();
      const drawnAt = performance.now() - start;
      const id = (await node.getAttribute("data-node-id")) ?? "";
      await node.focus();
      await page.keyboard.press("Enter");
      await page.getByRole("complementary", { name: `Node ${id}` }).waitFor();
      graphTimes.push(performance.now() - start);
      drawTimes.push(drawnAt);
      await context.close();
    }
    report({ bench: "console", metric: `executions page, first rows, ${EXECUTIONS} executions in the store`, value: median(listTimes), unit: "ms", target: 1000, runs: RUNS, note: "navigation (cold page load) to the first row; budget stated for 100,000 executions" });
    report({ bench: "console", metric: `${GRAPH_NODES}-node execution: first nodes drawn`, value: median(drawTimes), unit: "ms", runs: RUNS, note: "navigation to the laid-out graph's first drawn node" });
    report({ bench: "console", metric: `${GRAPH_NODES}-node execution: graph drawn and a node's panel open`, value: median(graphTimes), unit: "ms", target: 2000, runs: RUNS, note: "navigation to the panel of a clicked node (layout in a Web Worker)" });
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
