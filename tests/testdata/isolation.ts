// Workflows for the isolation tests, locally and on a server: a synchronous infinite loop with a
// timeout, a task that succeeds, one reading a secret, one that prints and then waits.
import { z } from "zod";
import { currentContext, task, workflow } from "flytekit";

export const spin = task({ name: "spin", inputs: { n: z.int() }, outputs: z.int(), timeout: "2s" }, ({ n }) => {
  console.log(`spinning on ${n}`);
  for (;;) {
    // only stopping the isolate ends this
  }
});

export const plus_one = task({ name: "plus_one", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n + 1);

export const use_secret = task({ name: "use_secret", inputs: {}, outputs: z.int(), secrets: [{ group: "db", key: "password" }] }, () => {
  const value = currentContext().secrets.get("db", "password");
  console.log(`connecting with ${value}`);
  return value.length;
});

export const slow_talker = task({ name: "slow_talker", inputs: { ms: z.int() }, outputs: z.int() }, async ({ ms }) => {
  console.log("hello from a running attempt");
  await new Promise((r) => setTimeout(r, ms));
  return ms;
});

export const spin_wf = workflow({ name: "spin_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => spin({ n: plus_one({ n }) }));
export const plus_wf = workflow({ name: "plus_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => plus_one({ n }));
export const secret_wf = workflow({ name: "secret_wf", inputs: {}, outputs: z.int() }, () => use_secret({}));
export const talk_wf = workflow({ name: "talk_wf", inputs: { ms: z.int() }, outputs: z.int() }, ({ ms }) => slow_talker({ ms }));
