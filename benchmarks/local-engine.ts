/**
 * Local engine overhead per node and compile time, on a 10,000-node chain of trivial typed
 * tasks. The baseline is the same function awaited in a plain loop, in the same process.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { task, workflow } from "flytekit";
import { definitionOf, planOf, runLocally, type WorkflowDefinition } from "flytekit/internal";
import { median, report } from "./report.ts";

const NODES = 10_000;
const RUNS = 5;

const body = ({ n }: { n: number }): number => n + 1;
const inc = task({ name: "bench.inc", inputs: { n: z.int() }, outputs: z.int() }, body);

function chain(id: number) {
  return workflow({ name: `bench.chain${id}`, inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
    let x = n;
    for (let i = 0; i < NODES; i++) x = inc({ n: x });
    return x;
  });
}

async function plainLoop(): Promise<number> {
  const fn = (inputs: { n: number }): Promise<number> => Promise.resolve(body(inputs));
  let n = 0;
  const start = performance.now();
  for (let i = 0; i < NODES; i++) n = await fn({ n });
  const elapsed = performance.now() - start;
  if (n !== NODES) throw new Error("plain loop miscounted");
  return elapsed;
}

/** Runs the benchmark and prints its figures. */
export async function benchLocalEngine(): Promise<void> {
  const compileMs: number[] = [];
  const runMs: number[] = [];
  const baseMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const wf = chain(r);
    const def = definitionOf(wf) as WorkflowDefinition;
    const t0 = performance.now();
    planOf(def); // trace the body, build IDL templates, compile to a closure
    compileMs.push(performance.now() - t0);

    const t1 = performance.now();
    const out = await runLocally(def, { n: 0 });
    runMs.push(performance.now() - t1);
    if (out !== NODES) throw new Error(`chain returned ${String(out)}`);
    baseMs.push(await plainLoop());
  }
  const perNodeUs = (median(runMs) * 1000) / NODES;
  const basePerNodeUs = (median(baseMs) * 1000) / NODES;
  report({
    bench: "local-engine-chain-10k",
    metric: "overhead_per_node",
    value: perNodeUs - basePerNodeUs,
    unit: "us",
    baseline: basePerNodeUs,
    target: 20,
    runs: RUNS,
    note: "engine time per node minus the same function awaited in a plain loop; types checked at every boundary",
  });
  report({ bench: "local-engine-chain-10k", metric: "run_per_node", value: perNodeUs, unit: "us", baseline: basePerNodeUs, runs: RUNS });
  report({ bench: "compile-chain-10k", metric: "compile_time", value: median(compileMs), unit: "ms", target: 200, runs: RUNS, note: "trace body + IDL templates + compile to CompiledWorkflowClosure" });
}
