// Ad-hoc: where the console's budget pages spend their time (not committed).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { chromium } from "playwright-core";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerChain, registerFan } from "./bench-workflows.ts";
import { copyExecutions } from "./console-bulk.ts";
import { startServer as startBench } from "./console-server.ts";
import { spawn } from "node:child_process";

let serverPid = 0;
async function startServer(dataDir: string, workers: number) {
  if (workers !== 0) return startBench(dataDir, workers);
  const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", "start", "--port", "0", "--data-dir", dataDir, "--workers", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  serverPid = child.pid ?? 0;
  const url = await new Promise<string>((done) => child.stdout.setEncoding("utf8").on("data", (c: string) => { const m = /serving on (http:\/\/\S+)/.exec(c); if (m) done(m[1]!); }));
  return { url, stop: async () => { if (child.exitCode !== null) return; const e = new Promise((d) => child.once("exit", d)); child.kill("SIGTERM"); await e; } };
}
function serverCpuMs(): number {
  const f = readFileSync(`/proc/${serverPid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

const dir = "/tmp/cprof/data";
const fresh = !existsSync(dir);
mkdirSync(dir, { recursive: true });
let server = await startServer(dir, 0);
const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
if (fresh) {
  await registerFixtures(admin);
  await registerChain(admin, "one", 1);
  await registerFan(admin, "fan", 5000);
  const made = await Promise.all(Array.from({ length: 200 }, () => admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "one") }, inputs: intMap({ x: 1 }) })));
  await Promise.all(made.map((m) => admin.terminateExecution({ id: m.id, cause: "benchmark" })));
  const fan = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "fan") }, inputs: intMap({ x: 1 }) });
  writeFileSync("/tmp/cprof/fan", fan.id?.name ?? "");
  await new Promise((d) => setTimeout(d, 2000));
  await server.stop();
  copyExecutions(dir, `${PROJECT}:${DOMAIN}:${made[0]?.id?.name}`, 99_800);
  server = await startServer(dir, 0);
}
const fan = (await import("node:fs")).readFileSync("/tmp/cprof/fan", "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const which = process.argv[2] ?? "both";
try {
  const pages: [string, string, string][] = [
    ["list", `${server.url}/console/projects/${PROJECT}/executions?domain=${DOMAIN}`, "table tbody tr"],
    ["fan", `${server.url}/console/projects/${PROJECT}/domains/${DOMAIN}/executions/${fan}`, "[data-node-id]"],
  ];
  for (const [name, url, selector] of pages) {
    if (which !== "both" && which !== name) continue;
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const profiling = run === 2 && process.env["PROFILE"] === "1";
      const cdp = await context.newCDPSession(page);
      await page.goto(`${server.url}/nothing-here`);
      await cdp.send("Performance.enable");
      const m0 = new Map((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
      const cpu0 = serverCpuMs();
      if (profiling) {
        await cdp.send("Profiler.enable");
        await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
        await cdp.send("Profiler.start");
      }
      const start = performance.now();
      await page.goto(url);
      await page.locator(selector).first().waitFor({ timeout: 120_000 });
      let total = performance.now() - start;
      if (name === "fan") {
        const node = page.locator("[data-node-id]").first();
        const id = (await node.getAttribute("data-node-id")) ?? "";
        await node.focus();
        await page.keyboard.press("Enter");
        await page.getByRole("complementary", { name: `Node ${id}` }).waitFor();
        total = performance.now() - start;
      }
      const at = await page.evaluate<number>("performance.now()");
      const m1 = new Map((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
      const d = (k: string) => Math.round(((m1.get(k) ?? 0) - (m0.get(k) ?? 0)) * 1000);
      console.log(`  cpu: page task ${d("TaskDuration")} ms (script ${d("ScriptDuration")}, layout ${d("LayoutDuration")}), server ${serverCpuMs() - cpu0} ms`);
      if (profiling) {
        const { profile } = await cdp.send("Profiler.stop");
        writeFileSync(`/tmp/cprof/${name}.cpuprofile`, JSON.stringify(profile));
        const self = new Map<string, number>();
        const dt = new Map<number, number>();
        profile.samples?.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
        for (const n of profile.nodes) {
          const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/.*\//, "")}:${n.callFrame.lineNumber}`;
          self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
        }
        const byUrl = new Map<string, number>();
        for (const n of profile.nodes) { const k = n.callFrame.url.replace(/.*\//, "") || n.callFrame.functionName; byUrl.set(k, (byUrl.get(k) ?? 0) + (dt.get(n.id) ?? 0)); }
        console.log("by url (ms):", [...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}=${Math.round(v / 1000)}`).join(" "));
        console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${Math.round(v / 1000)} ms ${k}`).join("\n"));
      }
      const entries = await page.evaluate<string[]>(`[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"), ...performance.getEntriesByType("paint"), ...performance.getEntriesByType("mark"), ...performance.getEntriesByType("longtask")].map((e) => [e.entryType.padEnd(9), Math.round(e.startTime), Math.round(e.startTime + e.duration), e.responseStart ? "ttfb " + Math.round(e.responseStart) : "", (e.name || "").replace(/^https?:\\/\\/[^/]+/, "").slice(0, 70), e.transferSize ?? ""].join(" "))`);
      console.log(`${name} run ${run}: ${Math.round(total)} ms from goto; in-page now ${Math.round(at)}`);
      if (run === 2) console.log(entries.join("\n"));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
