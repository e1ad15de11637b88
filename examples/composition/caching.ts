// Caching: a cacheable task runs once per distinct input; later runs reuse its outputs, also
// across `flyte run`s (the local cache lives in ~/.cache/flyte/local-cache).
//
//   npx flyte run examples/composition/caching.ts squares_wf --n 4 --json      # computes
//   npx flyte run examples/composition/caching.ts squares_wf --n 4 --json      # cache hit
//   npx flyte run examples/composition/caching.ts squares_wf --n 4 --no-cache  # runs again
import { z } from "zod";
import { currentContext, task, workflow } from "flytekit";

export const slow_square = task(
  { name: "slow_square", inputs: { n: z.int(), note: z.string().default("") }, outputs: z.int(), cache: { version: "1", ignoredInputs: ["note"] } },
  ({ n }) => {
    // Logged only when the task really runs, so a cache hit prints nothing.
    currentContext().logger.info(`computing ${n}²`);
    return n * n;
  },
);

export const plus_one = task({ name: "plus_one", inputs: { n: z.int() }, outputs: z.int(), cache: true }, ({ n }) => n + 1);

export const squares_wf = workflow({ name: "squares_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) =>
  plus_one({ n: slow_square({ n, note: "first" }) }),
);
