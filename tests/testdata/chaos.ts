// The workflow the chaos test runs many times while it kills the server and a worker: a branch
// (one side a sub-workflow), a map and plain tasks, each task slow enough to be caught mid-attempt.
// Its output is a pure function of x (see expectedChaos).
import { z } from "zod";
import { conditional, mapTask, task, workflow } from "flytekit";

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const step = task({ name: "chaos_step", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  await pause(20);
  return x + 1;
});
export const triple = task({ name: "chaos_triple", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x * 3);
export const spread = task({ name: "chaos_spread", inputs: { x: z.int() }, outputs: z.array(z.int()) }, ({ x }) =>
  Array.from({ length: 3 }, (_, i) => x + i),
);
export const square = task({ name: "chaos_square", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  await pause(10);
  return x * x;
});
export const total = task({ name: "chaos_total", inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));

export const chaos_inner = workflow({ name: "chaos_inner", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => triple({ x: step({ x }) }));

export const chaos_wf = workflow({ name: "chaos_wf", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => {
  const a = step({ x });
  const b = conditional("size")
    .if(a.gt(20)).then(() => step({ x: a }))
    .else().then(() => chaos_inner({ x: a }));
  const c = total({ xs: mapTask(square)({ x: spread({ x: b }) }) });
  return step({ x: c });
});

/** What chaos_wf returns for x. */
export function expectedChaos(x: number): number {
  const a = x + 1;
  const b = a > 20 ? a + 1 : 3 * (a + 1);
  return b * b + (b + 1) * (b + 1) + (b + 2) * (b + 2) + 1;
}
