/**
 * Profiles the 5,000-node execution page in Chromium: for each cold load (navigation → first node
 * drawn → a node's panel opened with the keyboard), a CPU profile of the page's main thread
 * (DevTools `Profiler`), the self time per function and per script, the page's resource timings
 * of its RPCs, and when each AdminService call left and ended (its workers' too). Run by hand, not by `npm run bench`:
 *
 *   FLYTE_CONSOLE_DIR=<build> node benchmarks/console-profile.ts [loads] [out-dir]
 *
 * An unminified build (`npx vite build --minify false --outDir DIR` in packages/console) gives
 * readable names. Profiles are written to out-dir (default: none) as `load-N.cpuprofile`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { chromium } from "playwright-core";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerFan } from "./bench-workflows.ts";
import { startServer } from "./console-server.ts";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
}

/** Self time (ms) per key of the profile's samples. */
function selfTimes(profile: Profile, keyOf: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const key = keyOf(node);
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return out;
}

function top(map: Map<string, number>, n: number): string {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => `  ${ms.toFixed(0).padStart(6)} ms  ${k}`).join("\n");
}

const loads = Number(process.argv[2] ?? "2");
const outDir = process.argv[3];
const dataDir = mkdtempSync(join(tmpdir(), "flyte-console-profile-"));
const server = await startServer(dataDir, 0);
const browser = await chromium.launch({ executablePath: process.env["FLYTE_CHROMIUM"] ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
  await registerFixtures(admin);
  await registerFan(admin, "fan", 5000);
  const fan = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "fan") }, inputs: intMap({ x: 1 }) });
  const url = `${server.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions/${fan.id?.name ?? ""}`;
  for (let load = 0; load < loads; load++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${server.url}/console-bench-blank`);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    const start = performance.now();
    // AdminService calls, the page's and its workers' alike (the page's resource timings below see
    // only its own): when each left and when its answer ended, on the browser's clock.
    const calls: { name: string; start: number; end: number }[] = [];
    context.on("requestfinished", (r) => {
      if (!r.url().includes("AdminService/")) return;
      const t = r.timing();
      calls.push({ name: r.url().split("/").at(-1) ?? "", start: t.startTime, end: t.startTime + t.responseEnd });
    });
    await page.goto(url);
    const node = page.locator("[data-node-id]").first();
    await node.waitFor();
    const drawn = performance.now() - start;
    const id = (await node.getAttribute("data-node-id")) ?? "";
    await node.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("complementary", { name: `Node ${id}` }).waitFor();
    const panel = performance.now() - start;
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: Profile };
    const rpcs = await page.evaluate(() =>
      performance.getEntriesByType("resource").filter((e) => /flyteidl|watch/.test(e.name)).map((e) => `${e.name.split("/").at(-1) ?? ""} ${e.startTime.toFixed(0)}→${(e as unknown as { responseEnd: number }).responseEnd.toFixed(0)}`),
    );
    const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
    const fn = selfTimes(profile, (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").at(-1) ?? ""}:${n.callFrame.lineNumber}`);
    const script = selfTimes(profile, (n) => n.callFrame.url.split("/").at(-1) || n.callFrame.functionName);
    const idle = fn.get("(idle) :-1") ?? 0;
    console.log(`load ${load}: drawn ${drawn.toFixed(0)} ms, panel ${panel.toFixed(0)} ms, profiled ${total.toFixed(0)} ms, busy ${(total - idle).toFixed(0)} ms; load average ${(await import("node:fs")).readFileSync("/proc/loadavg", "utf8").trim()}`);
    console.log(`rpcs: ${rpcs.join(", ")}`);
    const origin = await page.evaluate<number>("performance.timeOrigin");
    const ms = (t: number): string => (t - origin).toFixed(0);
    console.log(`admin calls (page and workers, from navigation): ${calls.sort((a, b) => a.start - b.start).map((c) => `${c.name} ${ms(c.start)}→${ms(c.end)}`).join(", ")}`);
    console.log(`by script:\n${top(script, 12)}`);
    console.log(`by function:\n${top(fn, 40)}`);
    if (outDir !== undefined) writeFileSync(join(outDir, `load-${load}.cpuprofile`), JSON.stringify(profile));
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
