/**
 * Workflows of the end-to-end benchmark (end-to-end.ts): trivial tasks, registered with
 * `flyte register` and run by real `flyte worker` processes. The shapes of the peer benches
 * (../shared/peers-bench): a 10-step chain and a 1-step one, a 3-step chain, a fan-out.
 */
import { z } from "zod";
import { mapTask, task, workflow } from "flytekit";

export const inc = task({ name: "e2e.inc", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x + 1);

export const one = workflow({ name: "e2e.one", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => inc({ x }));

export const three = workflow({ name: "e2e.three", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => inc({ x: inc({ x: inc({ x }) }) }));

export const ten = workflow({ name: "e2e.ten", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => {
  let y = inc({ x });
  for (let i = 1; i < 10; i++) y = inc({ x: y });
  return y;
});

export const fan = workflow({ name: "e2e.fan", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.int()) }, ({ xs }) => mapTask(inc)({ x: xs }));
