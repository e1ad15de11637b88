// A quick task whose items fail or succeed by their input, for the batch tests.
import { z } from "zod";
import { task } from "flytekit";

export const flaky = task({ name: "flaky", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => {
  console.log(`item ${a}`);
  if (a % 3 === 0) throw new Error(`item ${a} is a multiple of 3`);
  return a + 1;
});
