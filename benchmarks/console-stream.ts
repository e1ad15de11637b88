/**
 * The console while an execution streams updates: a map task of CONSOLE_BENCH_MAP_ITEMS items
 * (default 10,000) run by real workers, its page open for CONSOLE_BENCH_STREAM_SECONDS (default
 * 120; the issue's figure is 10 minutes), with CONSOLE_BENCH_STREAM_WORKERS workers (default 2;
 * the items go on the command line as JSON, so about 18,000 at most). Figures: the map drawn as one node, and the page's JS
 * heap (after a forced GC, sampled every 10 s) as a slope in MB per minute, and the series of
 * samples every 30 s (seconds since navigation: MB), to show whether it levels off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Browser } from "playwright-core";
import { flyte, startServer } from "./console-server.ts";
import { report } from "./report.ts";

const ITEMS = Number(process.env["CONSOLE_BENCH_MAP_ITEMS"] ?? "10000");
const SECONDS = Number(process.env["CONSOLE_BENCH_STREAM_SECONDS"] ?? "120");
/** Workers running the map (fewer make it stream longer). */
const WORKERS = Number(process.env["CONSOLE_BENCH_STREAM_WORKERS"] ?? "2");
const SAMPLE_MS = 10_000;
/** Every how many samples one goes into the printed series (every 30 s), so a 10-minute run shows its shape, not only its ends. */
const SERIES_EVERY = 3;

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] ?? 0) - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** Map-task and memory figures with a server running 2 workers. */
export async function benchConsoleStream(browser: Browser): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "flyte-bench-console-stream-"));
  const env = { XDG_DATA_HOME: join(home, "data"), XDG_CACHE_HOME: join(home, "cache"), XDG_CONFIG_HOME: join(home, "config"), HOME: home };
  const server = await startServer(join(home, "server"), WORKERS);
  try {
    flyte(server.url, env, "register", "tests/testdata/console/flows.ts");
    const xs = JSON.stringify(Array.from({ length: ITEMS }, (_, i) => i));
    const name = flyte(server.url, env, "run", "--remote", "--launch-plan", "map_wf", "--xs", xs).trim();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const start = performance.now();
    await page.goto(`${server.url}/console/projects/flytesnacks/domains/development/executions/${name}`);
    await page.locator(".gnode .histogram").first().waitFor();
    const drawn = performance.now() - start;
    const nodes = await page.locator("[data-node-id]").count();
    report({ bench: "console", metric: `map task of ${ITEMS} items: graph drawn`, value: drawn, unit: "ms", note: `${nodes} graph node(s) drawn for the map (one node, items as a histogram)` });
    const cdp = await context.newCDPSession(page);
    const minutes: number[] = [];
    const heapMb: number[] = [];
    // Seconds since navigation when the page first showed the execution ended (streaming stops there).
    let endedAt: number | undefined;
    for (let t = 0; t <= SECONDS * 1000; t += SAMPLE_MS) {
      await cdp.send("HeapProfiler.collectGarbage");
      const { usedSize } = await cdp.send("Runtime.getHeapUsage");
      minutes.push((performance.now() - start) / 60_000);
      heapMb.push(usedSize / 1024 / 1024);
      const shown = await page.locator(".title-row .badge").first().textContent().catch(() => "");
      if (endedAt === undefined && /succeeded|failed|aborted|timed/i.test(shown ?? "")) endedAt = Math.round((minutes.at(-1) ?? 0) * 60);
      await page.waitForTimeout(SAMPLE_MS);
    }
    const phase = await page.locator(".title-row .badge").first().textContent().catch(() => "?");
    const series = heapMb
      .map((mb, i) => ({ mb, s: (minutes[i] ?? 0) * 60 }))
      .filter((_, i) => i % SERIES_EVERY === 0 || i === heapMb.length - 1)
      .map(({ mb, s }) => `${Math.round(s)}s:${mb.toFixed(1)}`)
      .join(" ");
    report({
      bench: "console",
      metric: `execution page heap while a ${ITEMS}-item map streams, slope`,
      value: slope(minutes, heapMb),
      unit: "MB/min",
      note: `${SECONDS} s, ${heapMb.length} samples after GC: first ${heapMb[0]?.toFixed(1)} MB, last ${heapMb.at(-1)?.toFixed(1)} MB, max ${Math.max(...heapMb).toFixed(1)} MB; execution ${phase ?? "?"} at the end`,
    });
    report({ bench: "console", metric: `execution page heap while a ${ITEMS}-item map streams, series`, value: heapMb.at(-1) ?? 0, unit: "MB", note: `after GC, every ${(SAMPLE_MS * SERIES_EVERY) / 1000} s (seconds since navigation:MB): ${series}; the execution ${endedAt === undefined ? "still ran at the end" : `had ended by ${endedAt} s`}` });
    await context.close();
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
