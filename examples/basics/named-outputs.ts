// Named outputs: a plain object of schemas. Callers destructure by name or by position, and a
// local run returns an object keyed by output name.
//
//   npx flyte run examples/basics/named-outputs.ts stats_wf --xs '[3,1,4,1,5]' --json
import { z } from "zod";
import { task, workflow } from "flytekit";

export const stats = task(
  { name: "stats", inputs: { xs: z.array(z.number()) }, outputs: { mean: z.number(), max: z.number(), count: z.int() } },
  ({ xs }) => ({
    mean: xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1),
    max: Math.max(...xs),
    count: xs.length,
  }),
);

export const describe_stats = task(
  { name: "describe_stats", inputs: { mean: z.number(), max: z.number() }, outputs: z.string() },
  ({ mean, max }) => `mean ${mean.toFixed(2)}, max ${max}`,
);

export const stats_wf = workflow(
  { name: "stats_wf", inputs: { xs: z.array(z.number()) }, outputs: { summary: z.string(), count: z.int() } },
  ({ xs }) => {
    // Destructure by name; `const [mean, max, count] = stats({ xs })` works too, in declaration
    // order, but names keep their types.
    const { mean, max, count } = stats({ xs });
    return { summary: describe_stats({ mean, max }), count };
  },
);

if (import.meta.main) {
  console.log(await stats_wf({ xs: [3, 1, 4, 1, 5] }));
}
