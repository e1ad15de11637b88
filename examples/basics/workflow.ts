// Workflows bind tasks together. The body of a workflow runs once, when the workflow is
// compiled, to wire the tasks into a graph: calls inside it return promises, not values.
// The tasks' bodies run at execution time — locally here, or on a backend.
//
//   node examples/basics/workflow.ts
//   npx flyte run examples/basics/workflow.ts my_wf --a 50 --b hello --json
import { inspect } from "node:util";
import { z } from "zod";
import { task, workflow } from "flytekit";

// Named outputs, like Python's NamedTuple.
export const t1 = task(
  { name: "t1", inputs: { a: z.int() }, outputs: { t1_int_output: z.int(), c: z.string() } },
  ({ a }) => ({ t1_int_output: a + 2, c: "world" }),
);

// One output, named o0.
export const t2 = task(
  { name: "t2", inputs: { a: z.string(), b: z.string() }, outputs: z.string() },
  ({ a, b }) => b + a,
);

// Two positional outputs, o0 and o1.
export const my_wf = workflow(
  { name: "my_wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] },
  ({ a, b }) => {
    const { t1_int_output: x, c: y } = t1({ a });
    const d = t2({ a: y, b });
    return [x, d];
  },
);

// Calling a workflow outside a workflow body runs it locally and returns native values.
if (import.meta.main) {
  console.log(`Running my_wf(a=50, b='hello') ${inspect(await my_wf({ a: 50, b: "hello" }))}`);
}
