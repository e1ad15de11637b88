// Tasks slower than a quick batch item: one computes (awaits nothing), one awaits a timer.
import { z } from "zod";
import { task } from "flytekit";

/** Busy for `ms` without awaiting: more isolates than cores would not make its items faster. */
export const crunch = task({ name: "crunch", inputs: { a: z.int(), ms: z.int() }, outputs: z.int() }, ({ a, ms }) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
  return a + 1;
});

/** Awaits a timer for `ms`: its items gain from running side by side. */
export const nap = task({ name: "nap", inputs: { a: z.int(), ms: z.int() }, outputs: z.int() }, async ({ a, ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return a + 1;
});
