/**
 * A map task over 100,000 items of a trivial typed task, run locally: time per item and peak
 * RSS. Items stream through the array node's window, so memory grows with the inputs, the
 * outputs and the store's per-item records — not with per-item execution state created up front.
 * The baseline is the same function awaited in a plain loop over the same items.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { mapTask, task } from "flytekit";
import { definitionOf, runLocally, type MapTaskDefinition } from "flytekit/internal";
import { median, report } from "./report.ts";

const ITEMS = 100_000;
const RUNS = 3;

const body = ({ n }: { n: number }): number => n + 1;
const inc = task({ name: "bench.map_inc", inputs: { n: z.int() }, outputs: z.int() }, body);

async function plainLoop(xs: readonly number[]): Promise<number> {
  const fn = (inputs: { n: number }): Promise<number> => Promise.resolve(body(inputs));
  const out = new Array<number>(xs.length);
  const start = performance.now();
  for (let i = 0; i < xs.length; i++) out[i] = await fn({ n: xs[i]! });
  return performance.now() - start;
}

/** Runs the benchmark and prints its figures. */
export async function benchMapTask(): Promise<void> {
  const xs = Array.from({ length: ITEMS }, (_, i) => i);
  const rssBefore = process.resourceUsage().maxRSS;
  const runMs: number[] = [];
  const baseMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const map = definitionOf(mapTask(inc, { concurrency: r === 0 ? 0 : 1000 })) as MapTaskDefinition;
    const t0 = performance.now();
    const out = (await runLocally(map, { n: xs })) as number[];
    runMs.push(performance.now() - t0);
    if (out.length !== ITEMS || out[ITEMS - 1] !== ITEMS) throw new Error("map miscounted");
    baseMs.push(await plainLoop(xs));
  }
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const perItemUs = (median(runMs) * 1000) / ITEMS;
  report({
    bench: "map-task-100k",
    metric: "run_per_item",
    value: perItemUs,
    unit: "us",
    baseline: (median(baseMs) * 1000) / ITEMS,
    runs: RUNS,
    note: "local run of mapTask over 100,000 items of a trivial typed task (types checked per item); baseline: plain awaited loop",
  });
  report({
    bench: "map-task-100k",
    metric: "peak_rss",
    value: peakMb,
    unit: "MB",
    baseline: rssBefore / 1024,
    runs: RUNS,
    note: "process.resourceUsage().maxRSS after the runs; baseline: before them. Includes 100k inputs, outputs, events and memory-store records",
  });
}
