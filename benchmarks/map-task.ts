/**
 * A map task over 100,000 items of a trivial typed task, run locally: time per item, peak RSS,
 * and the live heap per item (after a full GC) half-way through a run and at its end, while the
 * engine and its memory store are still alive. Items stream through the array node's window and
 * keep 3 bytes of compact state each (plus a result slot); the store keeps a summary on the array
 * node, not a record per item. So live memory is the inherent input and output literal lists plus
 * a few bytes per item — the baseline of the heap figures is those lists alone. The baseline of
 * the time figure is the same function awaited in a plain loop over the same items.
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { z } from "zod";
import type { ExecutionEvent } from "@flyte/engine";
import { mapTask, task } from "flytekit";
import { definitionOf, runLocally, type MapTaskDefinition } from "flytekit/internal";
import { toLiteralMap } from "../packages/flytekit/src/types/index.ts";
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

/** A full garbage collection, without `--expose-gc` on the command line. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Live heap (after a full GC) per item: half-way through a run, at its end, and of one literal list. */
async function liveHeap(xs: readonly number[]): Promise<{ mid: number; end: number; list: number }> {
  const gc = collector();
  const live = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = live();
  const list = toLiteralMap({ n: xs }, { n: z.array(z.int()) }, "bench", "input");
  const listBytes = live() - before;
  if (Object.keys(list.literals).length !== 1) throw new Error("unexpected literal map");
  const map = definitionOf(mapTask(inc, { concurrency: 0 })) as MapTaskDefinition;
  const start = live();
  let done = 0;
  let mid = 0;
  let end = 0;
  const events = {
    emit(event: ExecutionEvent): void {
      if (event.kind === "node" && event.arrayItem !== undefined && event.phase === "SUCCEEDED" && ++done === xs.length / 2) mid = live();
      if (event.kind === "workflow" && event.phase === "SUCCEEDED") end = live();
    },
  };
  await runLocally(map, { n: xs }, { events, cache: false });
  return { mid: (mid - start) / xs.length, end: (end - start) / xs.length, list: listBytes / xs.length };
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
    note: "process.resourceUsage().maxRSS after the runs; baseline: before them. Includes 100k inputs, outputs, garbage not yet collected",
  });
  const heap = await liveHeap(xs);
  report({
    bench: "map-task-100k",
    metric: "live_heap_mid_run_per_item",
    value: heap.mid,
    unit: "B",
    baseline: heap.list * 1.5,
    target: 1024,
    note: "heapUsed after a full GC when half the items succeeded, minus before the run, per item; baseline: the inherent input literal list plus half the output list",
  });
  report({
    bench: "map-task-100k",
    metric: "live_heap_end_per_item",
    value: heap.end,
    unit: "B",
    baseline: heap.list * 2,
    note: "heapUsed after a full GC at the workflow's SUCCEEDED event (engine and memory store alive), minus before the run, per item; baseline: the inherent input and output literal lists",
  });
}
