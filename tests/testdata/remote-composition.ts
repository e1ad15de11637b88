// Workflows the remote composition tests need beside the examples: retries and timeouts that
// behave the same on any worker (they read the attempt number, not process state), and a task
// slow enough to be terminated.
import { z } from "zod";
import { currentContext, FlyteRecoverableError, task, workflow } from "flytekit";

// Fails recoverably until its attempt number reaches succeed_on - 1; returns the attempt count.
export const flaky = task(
  { name: "flaky", inputs: { succeed_on: z.int() }, outputs: z.int(), retries: 3 },
  ({ succeed_on }) => {
    const attempt = currentContext().retryAttempt + 1;
    if (attempt < succeed_on) throw new FlyteRecoverableError(`attempt ${attempt}: service busy`);
    return attempt;
  },
);

export const flaky_wf = workflow({ name: "flaky_wf", inputs: { succeed_on: z.int() }, outputs: z.int() }, ({ succeed_on }) =>
  flaky({ succeed_on }),
);

export const nap = task({ name: "nap", inputs: { ms: z.int() }, outputs: z.int(), timeout: "1s" }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
});

export const nap_wf = workflow({ name: "nap_wf", inputs: { ms: z.int() }, outputs: z.int() }, ({ ms }) => nap({ ms }));
