/**
 * A dynamic task that builds a 10,000-node workflow at run time (a chain of trivial typed tasks),
 * run locally: total time and time per node, including the body's tracing, the job spec, its
 * compilation and the sub-graph run. The baseline is the same chain as a static workflow.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { dynamic, task, workflow } from "flytekit";
import { definitionOf, planOf, runLocally, type CallableEntity } from "flytekit/internal";
import { median, report } from "./report.ts";

const NODES = 10_000;
const RUNS = 3;

const inc = task({ name: "bench.dyn_inc", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n + 1);

function chainDynamic(id: number) {
  return dynamic({ name: `bench.dyn_chain${id}`, inputs: { count: z.int() }, outputs: z.int() }, ({ count }) => {
    let x = inc({ n: 0 });
    for (let i = 1; i < count; i++) x = inc({ n: x });
    return x;
  });
}

function chainStatic(id: number) {
  return workflow({ name: `bench.static_chain${id}`, inputs: {}, outputs: z.int() }, () => {
    let x = inc({ n: 0 });
    for (let i = 1; i < NODES; i++) x = inc({ n: x });
    return x;
  });
}

/** Runs the benchmark and prints its figures. */
export async function benchDynamic(): Promise<void> {
  const runMs: number[] = [];
  const baseMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const dyn = definitionOf(chainDynamic(r)) as CallableEntity;
    const t0 = performance.now();
    const out = await runLocally(dyn, { count: NODES });
    runMs.push(performance.now() - t0);
    if (out !== NODES) throw new Error(`dynamic chain returned ${String(out)}`);

    const wf = definitionOf(chainStatic(r)) as CallableEntity;
    const t1 = performance.now();
    planOf(wf);
    await runLocally(wf, {});
    baseMs.push(performance.now() - t1);
  }
  report({
    bench: "dynamic-10k",
    metric: "total_time",
    value: median(runMs),
    unit: "ms",
    baseline: median(baseMs),
    runs: RUNS,
    note: "dynamic body builds a 10,000-node chain at run time: trace + job spec + compile + run; baseline: the same chain as a static workflow (trace + compile + run)",
  });
  report({ bench: "dynamic-10k", metric: "per_node", value: (median(runMs) * 1000) / NODES, unit: "us", baseline: (median(baseMs) * 1000) / NODES, runs: RUNS });
}
