// Lists of promises: fan out to several calls, then fan in by passing a list that mixes
// promises and constants. The engine runs the independent calls in parallel.
//
//   npx flyte run examples/basics/lists.ts fan_in --n 4 --json
import { z } from "zod";
import { task, workflow } from "flytekit";

export const square = task({ name: "square", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  await new Promise((resolve) => setTimeout(resolve, 10)); // pretend to work
  return x * x;
});

export const sum = task({ name: "sum", inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) =>
  xs.reduce((a, b) => a + b, 0),
);

export const label = task(
  { name: "label", inputs: { parts: z.record(z.string(), z.int()) }, outputs: z.string() },
  ({ parts }) => Object.entries(parts).map(([k, v]) => `${k}=${v}`).join(" "),
);

export const fan_in = workflow(
  { name: "fan_in", inputs: { n: z.int() }, outputs: [z.int(), z.string()] },
  ({ n }) => {
    // Each call is its own node; the list literal becomes one binding of promises and constants.
    const squares = [square({ x: n }), square({ x: 2 }), square({ x: 3 })];
    const total = sum({ xs: [...squares, 100] });
    return [total, label({ parts: { total, n, one: 1 } })];
  },
);

if (import.meta.main) {
  console.log(await fan_in({ n: 4 }));
}
