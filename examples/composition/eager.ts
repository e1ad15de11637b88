// Eager workflows: an async body whose awaited calls return real values, so JS control flow
// (if, loops, try/catch) decides what runs next. Every awaited call is a recorded child node.
//
//   npx flyte run examples/composition/eager.ts smart --x 5 --json
import { z } from "zod";
import { eager, FlyteError, task } from "flytekit";

export const add_one = task({ name: "add_one", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x + 1);
export const double = task({ name: "double", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);
export const fragile = task({ name: "fragile", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  if (n > 10) throw new Error(`${n} is too big`);
  return n;
});

export const smart = eager({ name: "smart", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  const y = await add_one({ x });
  const z2 = y > 3 ? await double({ n: y }) : y;
  try {
    return await fragile({ n: z2 });
  } catch (err) {
    // A failed call rejects with a FlyteError naming the child node and the cause.
    if (err instanceof FlyteError && err.code === "E_EAGER_CALL_FAILED") return -1;
    throw err;
  }
});

if (import.meta.main) {
  console.log(await smart({ x: 1 })); // 2
  console.log(await smart({ x: 5 })); // -1 (12 is too big)
}
