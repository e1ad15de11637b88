// Workflows for the isolation tests, locally and on a server: a synchronous infinite loop with a
// timeout, a task that succeeds, one reading a secret, one that prints and then waits to be released.
import { existsSync } from "node:fs";
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

/**
 * Prints, then runs until the file `release` exists (the test creates it once it has read the log
 * and seen the execution running), or for `ms` at most. No fixed sleep: on a busy machine the test's
 * own CLI calls can take longer than any sleep chosen here.
 */
export const slow_talker = task({ name: "slow_talker", inputs: { release: z.string(), ms: z.int() }, outputs: z.int() }, async ({ release, ms }) => {
  console.log("hello from a running attempt");
  const deadline = Date.now() + ms;
  while (!existsSync(release) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return existsSync(release) ? 1 : 0;
});

export const spin_wf = workflow({ name: "spin_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => spin({ n: plus_one({ n }) }));
export const plus_wf = workflow({ name: "plus_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => plus_one({ n }));
export const secret_wf = workflow({ name: "secret_wf", inputs: {}, outputs: z.int() }, () => use_secret({}));
export const talk_wf = workflow({ name: "talk_wf", inputs: { release: z.string(), ms: z.int() }, outputs: z.int() }, ({ release, ms }) => slow_talker({ release, ms }));
