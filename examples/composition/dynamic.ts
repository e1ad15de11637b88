// Dynamic workflows: a task whose body runs when the task runs, with real input values, and
// builds the graph to execute — here, one node per requested item.
//
//   npx flyte run examples/composition/dynamic.ts fan --n 3 --json
import { z } from "zod";
import { dynamic, task, workflow } from "flytekit";

export const label = task({ name: "label", inputs: { i: z.int() }, outputs: z.string() }, ({ i }) => `item-${i}`);
export const join = task({ name: "join", inputs: { parts: z.array(z.string()) }, outputs: z.string() }, ({ parts }) => parts.join(","));

// `n` is a real number here: plain loops decide the shape of the graph (nodes dn0, dn1, ...).
export const fan = dynamic({ name: "fan", inputs: { n: z.int() }, outputs: z.string() }, ({ n }) => {
  if (n === 0) return "nothing"; // no node: the value is returned as it is
  const parts = Array.from({ length: n }, (_, i) => label({ i }));
  return join({ parts });
});

// A dynamic task is a task: workflows call it like any other.
export const fan_wf = workflow({ name: "fan_wf", inputs: { n: z.int() }, outputs: z.string() }, ({ n }) => fan({ n }));

if (import.meta.main) {
  console.log(await fan({ n: 3 })); // item-0,item-1,item-2
  console.log(await fan_wf({ n: 0 })); // nothing
}
