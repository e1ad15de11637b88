// An eager task that leaves a failed call uncaught, for tests/eager-remote.test.ts: the failure of
// its child fails the eager task, naming the child node and the cause.
import { z } from "zod";
import { eager, task } from "flytekit";

export const picky = task({ name: "picky", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  if (n > 10) throw new Error(`${n} is too big`);
  return n;
});

export const strict = eager({ name: "strict", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => (await picky({ n: x })) + 1);
