// Timeouts that stop even synchronous code, the attempt's abort signal, and secrets.
//
//   npx flyte run examples/isolation/timeouts-secrets.ts guarded_wf --spin_ms 10
//   npx flyte run examples/isolation/timeouts-secrets.ts guarded_wf --spin_ms 60000   # times out
//   _FSEC_API_TOKEN=s3cret npx flyte run examples/isolation/timeouts-secrets.ts token_length
import { z } from "zod";
import { currentContext, task, workflow } from "flytekit";

/**
 * Busy-waits for `ms` milliseconds without ever yielding: only a stoppable isolate can end it. With
 * `timeout: "15s"` a long spin fails at the timeout, and the next run starts afresh.
 */
export const spin = task(
  { name: "spin", inputs: { ms: z.int() }, outputs: z.int(), timeout: "15s" },
  ({ ms }) => {
    const end = Date.now() + ms;
    let turns = 0;
    while (Date.now() < end) turns++;
    return turns > 0 ? ms : 0;
  },
);

/** Waits cooperatively: the attempt's signal ends the wait when the attempt times out or is terminated. */
export const nap = task(
  { name: "nap", inputs: { ms: z.int() }, outputs: z.string(), timeout: "30s" },
  async ({ ms }) => {
    const { signal } = currentContext();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error("nap interrupted"));
      });
    });
    return `slept ${ms} ms`;
  },
);

export const guarded_wf = workflow(
  { name: "guarded_wf", inputs: { spin_ms: z.int() }, outputs: { spun: z.int(), slept: z.string() } },
  ({ spin_ms }) => ({ spun: spin({ ms: spin_ms }), slept: nap({ ms: 10 }) }),
);

/** Reads a declared secret through the context (from `_FSEC_API_TOKEN`, or `<secrets dir>/api/token`). */
export const token_length = task(
  { name: "token_length", outputs: z.int(), secrets: [{ group: "api", key: "token" }] },
  () => currentContext().secrets.get("api", "token").length,
);
