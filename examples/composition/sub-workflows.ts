// Sub-workflows: calling a workflow inside a workflow body adds ONE node that runs the whole
// sub-workflow inside the same execution. Its nodes are reported as `<node>-0-<inner node>`
// (n1-0-n0, ...); its outputs are the node's outputs.
//
//   npx flyte run examples/composition/sub-workflows.ts parent_wf --a 3     # {"o0":"total=12"}
import { z } from "zod";
import { task, workflow } from "flytekit";

export const add = task({ name: "add", inputs: { a: z.int(), b: z.int() }, outputs: z.int() }, ({ a, b }) => a + b);
export const mul = task({ name: "mul", inputs: { a: z.int(), b: z.int() }, outputs: z.int() }, ({ a, b }) => a * b);
export const show = task({ name: "show", inputs: { n: z.int() }, outputs: z.string() }, ({ n }) => `total=${n}`);

// (a + 1) * 2, with named outputs.
export const inner_wf = workflow(
  { name: "inner_wf", inputs: { a: z.int() }, outputs: { doubled: z.int(), plus_one: z.int() } },
  ({ a }) => {
    const plus_one = add({ a, b: 1 });
    return { doubled: mul({ a: plus_one, b: 2 }), plus_one };
  },
);

export const parent_wf = workflow(
  { name: "parent_wf", inputs: { a: z.int() }, outputs: z.string() },
  ({ a }) => {
    const { doubled, plus_one } = inner_wf({ a }); // one node: n0
    return show({ n: add({ a: doubled, b: plus_one }) }); // (3+1)*2 + (3+1)
  },
);

export const fails = task({ name: "fails", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  if (n < 0) throw new Error(`negative input ${n}`);
  return n;
});

// A failure inside a sub-workflow fails the parent, naming the inner node (n0-0-n0).
export const checked_wf = workflow({ name: "checked_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => fails({ n }));
export const outer_checked_wf = workflow({ name: "outer_checked_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => checked_wf({ n }));

if (import.meta.main) {
  console.log(await parent_wf({ a: 3 })); // total=12
}
