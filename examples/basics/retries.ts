// Retries: a task that throws FlyteRecoverableError is retried up to its `retries`; any other
// error fails the run at once, naming the node, the task and the cause.
//
//   npx flyte run examples/basics/retries.ts flaky_wf --succeed_on 3 --json
import { z } from "zod";
import { FlyteRecoverableError, task, workflow } from "flytekit";

let attempts = 0;

export const flaky = task(
  { name: "flaky", inputs: { succeed_on: z.int() }, outputs: z.int(), retries: 3, timeout: "10s" },
  ({ succeed_on }) => {
    attempts++;
    if (attempts < succeed_on) throw new FlyteRecoverableError(`attempt ${attempts}: service busy`);
    return attempts;
  },
);

export const flaky_wf = workflow({ name: "flaky_wf", inputs: { succeed_on: z.int() }, outputs: z.int() }, ({ succeed_on }) =>
  flaky({ succeed_on }),
);

if (import.meta.main) {
  console.log(`succeeded on attempt ${await flaky_wf({ succeed_on: 3 })}`);
}
