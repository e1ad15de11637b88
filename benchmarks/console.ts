/**
 * The console in Debian's Chromium against a real `flyte start`. Opt-in (`npm run bench --
 * console`): it needs /usr/bin/chromium (or FLYTE_CHROMIUM) and a built console.
 *
 * - The executions page with CONSOLE_BENCH_EXECUTIONS executions in the store (default 100,000):
 *   CONSOLE_BENCH_API_EXECUTIONS (default 500) are created through the API, the rest are SQLite
 *   copies of one of them written while the server is stopped (console-bulk.ts). Time from
 *   navigation to the first row, unfiltered and with a phase filter nothing matches.
 * - A 5,000-node execution (no workers, so it stays in flight): navigation to the first node
 *   drawn, and to a node's panel open with the keyboard.
 * - A 10,000-item map task run by workers: drawn as one node; the page's heap while it streams
 *   (console-stream.ts).
 * CONSOLE_BENCH_PARTS (default `list,graph,stream`) picks which of the three to run, e.g.
 * `CONSOLE_BENCH_PARTS=graph` for the 5,000-node figures alone; CONSOLE_BENCH_RUNS (default 3)
 * sets the number of cold loads per figure.
 * Every time figure is the median of 3 cold page loads; the notes give the CPU time of the page's
 * main thread and of the server for the same loads (medians), steadier than wall time on a busy
 * machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { WatchService } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { chromium, type Browser, type Page } from "playwright-core";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerChain, registerFan } from "./bench-workflows.ts";
import { copyExecutions } from "./console-bulk.ts";
import { startServer, type BenchServer } from "./console-server.ts";
import { benchConsoleStream } from "./console-stream.ts";
import { median, report } from "./report.ts";

const EXECUTIONS = Number(process.env["CONSOLE_BENCH_EXECUTIONS"] ?? "100000");
const API_EXECUTIONS = Math.min(EXECUTIONS, Number(process.env["CONSOLE_BENCH_API_EXECUTIONS"] ?? "200"));
const GRAPH_NODES = 5_000;
const RUNS = Number(process.env["CONSOLE_BENCH_RUNS"] ?? "3");
const PARTS = new Set((process.env["CONSOLE_BENCH_PARTS"] ?? "list,graph,stream").split(",").map((p) => p.trim()));

/** CPU figures of one page load: the page's main thread (Chromium's TaskDuration) and the server's process. */
interface LoadCpu {
  readonly pageMs: number;
  /**
   * CPU time of the browser's renderer processes (every thread: the page's, its Web Workers',
   * the compositor's), from Chromium's SystemInfo.getProcessInfo. Chromium's TaskDuration is
   * the main thread's task wall time, which a busy machine inflates; this is CPU time.
   */
  readonly rendererMs: number;
  readonly serverMs: number;
}

/**
 * Measures `load` (a cold page load that ends when what it waits for is shown): milliseconds
 * from navigation, and CPU time of the page's main thread and of the server, which a busy
 * machine inflates far less than wall time.
 */
async function measureLoad(browser: Browser, server: BenchServer, load: (page: Page) => Promise<void>): Promise<{ ms: number } & LoadCpu> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  // A same-origin page first, so that the metrics' renderer is the one the console loads in.
  await page.goto(`${server.url}/console-bench-blank`);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const task = async (): Promise<number> => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
  const browserCdp = await browser.newBrowserCDPSession();
  const rendererCpu = async (): Promise<number> => {
    const { processInfo } = (await browserCdp.send("SystemInfo.getProcessInfo")) as { processInfo: { type: string; cpuTime: number }[] };
    return processInfo.filter((p) => p.type === "renderer").reduce((sum, p) => sum + p.cpuTime, 0) * 1000;
  };
  const [task0, cpu0, renderer0] = [await task(), server.cpuMs(), await rendererCpu()];
  const start = performance.now();
  await load(page);
  const ms = performance.now() - start;
  const result = { ms, pageMs: ((await task()) - task0) * 1000, rendererMs: (await rendererCpu()) - renderer0, serverMs: server.cpuMs() - cpu0 };
  await browserCdp.detach();
  await context.close();
  return result;
}

/** Median wall time and CPU figures of RUNS cold loads of `url` until `selector` is shown. */
async function timeToShow(browser: Browser, server: BenchServer, url: string, selector: string): Promise<{ ms: number } & LoadCpu> {
  const runs: ({ ms: number } & LoadCpu)[] = [];
  for (let run = 0; run < RUNS; run++) {
    runs.push(await measureLoad(browser, server, async (page) => {
      await page.goto(url);
      await page.locator(selector).first().waitFor();
    }));
  }
  return medians(runs);
}

/** The medians of each figure of `runs`. */
function medians(runs: readonly ({ ms: number } & LoadCpu)[]): { ms: number } & LoadCpu {
  const of = (pick: (r: { ms: number } & LoadCpu) => number): number => median(runs.map(pick));
  return { ms: of((r) => r.ms), pageMs: of((r) => r.pageMs), rendererMs: of((r) => r.rendererMs), serverMs: of((r) => r.serverMs) };
}

const cpuNote = (r: LoadCpu): string =>
  `medians: page main thread's task time ${Math.round(r.pageMs)} ms, renderer CPU ${Math.round(r.rendererMs)} ms, server CPU ${Math.round(r.serverMs)} ms`;

/** Figures of the console's budgets. */
export async function benchConsole(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-console-"));
  let server = await startServer(dataDir, 0);
  const browser = await chromium.launch({ executablePath: process.env["FLYTE_CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    await registerChain(admin, "one", 1);
    await registerFan(admin, "fan", GRAPH_NODES);
    let seed = "";
    const apiExecutions = PARTS.has("list") ? API_EXECUTIONS : 0;
    for (let i = 0; i < apiExecutions; i += 200) {
      const made = await Promise.all(Array.from({ length: Math.min(200, apiExecutions - i) }, () =>
        admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "one") }, inputs: intMap({ x: 1 }) })));
      // Ended, so that no worker-less execution but the big one keeps the server busy.
      await Promise.all(made.map((m) => admin.terminateExecution({ id: m.id, cause: "benchmark" })));
      seed = made[0]?.id?.name ?? seed;
    }
    const fan = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "fan") }, inputs: intMap({ x: 1 }) });
    if (PARTS.has("list") && EXECUTIONS > API_EXECUTIONS) {
      await new Promise((done) => setTimeout(done, 2000)); // let the engine record the seed
      await server.stop();
      copyExecutions(dataDir, `${PROJECT}:${DOMAIN}:${seed}`, EXECUTIONS - API_EXECUTIONS);
      server = await startServer(dataDir, 0);
    }
    if (PARTS.has("list")) await benchList(browser, server);
    if (PARTS.has("graph")) await benchGraph(browser, server, fan.id?.name ?? "");
    await server.stop();
    if (PARTS.has("stream")) await benchConsoleStream(browser);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The executions page's figures: the server's first page from Node, then cold page loads. */
async function benchList(browser: Browser, server: BenchServer): Promise<void> {
  const watch = createClient(WatchService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
  const firstPage: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const abort = new AbortController();
    for await (const _ of watch.watchExecutions({ project: PROJECT, domain: DOMAIN, limit: 50 }, { signal: abort.signal })) break;
    abort.abort();
    firstPage.push(performance.now() - start);
  }
  report({ bench: "console", metric: `server: WatchExecutions first page of 50, ${EXECUTIONS} executions in the store`, value: median(firstPage), unit: "ms", runs: RUNS, note: "from Node, no browser: the server's share of the page's time" });
  const list = `${server.url}/console/projects/${PROJECT}/executions?domain=${DOMAIN}`;
  const rows = await timeToShow(browser, server, list, "table tbody tr");
  report({
    bench: "console",
    metric: `executions page, first rows, ${EXECUTIONS} executions in the store`,
    value: rows.ms,
    unit: "ms",
    target: 1000,
    runs: RUNS,
    note: `navigation (cold page load) to the first row; ${API_EXECUTIONS} created through the API, the rest copied in SQLite; ${cpuNote(rows)}`,
  });
  const empty = await timeToShow(browser, server, `${list}&phase=TIMED_OUT`, "text=No executions match");
  report({
    bench: "console",
    metric: `executions page, a phase filter nothing matches, ${EXECUTIONS} executions in the store`,
    value: empty.ms,
    unit: "ms",
    runs: RUNS,
    note: `navigation to the empty list's message: the store looks through every execution's phase; ${cpuNote(empty)}`,
  });
}

/** The 5,000-node execution's figures: cold loads to the first node drawn and to a node's panel open. */
async function benchGraph(browser: Browser, server: BenchServer, name: string): Promise<void> {
  const panels: ({ ms: number } & LoadCpu)[] = [];
  const drawTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    panels.push(await measureLoad(browser, server, async (page) => {
      const start = performance.now();
      await page.goto(`${server.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions/${name}`);
      // Only nodes in view are drawn: open the first one drawn.
      const node = page.locator("[data-node-id]").first();
      await node.waitFor();
      drawTimes.push(performance.now() - start);
      const id = (await node.getAttribute("data-node-id")) ?? "";
      await node.focus();
      await page.keyboard.press("Enter");
      await page.getByRole("complementary", { name: `Node ${id}` }).waitFor();
    }));
  }
  const panel = medians(panels);
  report({ bench: "console", metric: `${GRAPH_NODES}-node execution: first nodes drawn`, value: median(drawTimes), unit: "ms", runs: RUNS, note: "navigation to the laid-out graph's first drawn node" });
  report({ bench: "console", metric: `${GRAPH_NODES}-node execution: graph drawn and a node's panel open`, value: panel.ms, unit: "ms", target: 2000, runs: RUNS, note: `navigation to the panel of a node opened with the keyboard (layout in a Web Worker); each load ${panels.map((r) => `${Math.round(r.ms)} ms (renderer CPU ${Math.round(r.rendererMs)})`).join(", ")}; ${cpuNote(panel)}` });
}
