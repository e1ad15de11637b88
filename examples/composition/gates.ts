// Gates: pause a workflow for time, for a value, or for an approval.
//
//   npx flyte run examples/composition/gates.ts report_wf --n 3 --signal title=Weekly --signal publish=yes --json
//   # {"o0":"Weekly: 6"}
//
// Without --signal, `flyte run` asks on the terminal; elsewhere a gate without a value fails
// the run with a message saying how to give one.
import { z } from "zod";
import { approve, sleep, task, waitForInput, workflow } from "flytekit";

export const total = task({ name: "total", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);

export const render = task(
  { name: "render", inputs: { title: z.string(), value: z.int() }, outputs: z.string() },
  ({ title, value }) => `${title}: ${value}`,
);

export const report_wf = workflow({ name: "report_wf", inputs: { n: z.int() }, outputs: z.string() }, ({ n }) => {
  const pause = sleep("50ms"); // a real sleep locally; ordered with runsBefore
  const value = total({ n });
  pause.runsBefore(value);
  const title = waitForInput("title", { type: z.string(), timeout: "10m" });
  const approved = approve(value, "publish", { timeout: "1h" });
  return render({ title, value: approved });
});
