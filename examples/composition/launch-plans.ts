// Launch plans: a workflow with saved inputs, a schedule and a parallelism limit. Every workflow
// also has a default launch plan of its own name. Calling a launch plan in a workflow body adds a
// launch-plan node, run as a child execution; calling it anywhere else runs the workflow locally.
//
//   npx flyte run examples/composition/launch-plans.ts hourly_report --a 5          # {"o0":"report 5 for x"}
//   npx flyte run examples/composition/launch-plans.ts nightly_batch --json          # {"o0":"report 3 for x"}
//   npx flyte serialize examples/composition/launch-plans.ts --out /tmp/lp          # LaunchPlan files (_3.pb)
import { z } from "zod";
import { launchPlan, task, workflow } from "flytekit";

export const report = task(
  { name: "report", inputs: { a: z.int(), region: z.string() }, outputs: z.string() },
  ({ a, region }) => `report ${a} for ${region}`,
);

export const report_wf = workflow(
  { name: "report_wf", inputs: { a: z.int(), region: z.string() }, outputs: z.string() },
  ({ a, region }) => report({ a, region }),
);

// `region` is fixed: no launch may change it. `a` defaults to 3. Runs every hour once activated.
export const hourly_report = launchPlan(report_wf, {
  name: "hourly_report",
  defaultInputs: { a: 3 },
  fixedInputs: { region: "x" },
  schedule: { cron: "0 * * * *" },
  notifications: [{ kind: "email", phases: ["FAILED", "TIMED_OUT"], recipients: ["oncall@example.com"] }],
  maxParallelism: 4,
});

// A fixed rate (whole minutes, normalized to the largest unit: "1d" → 1 DAY).
export const nightly_batch = launchPlan(report_wf, {
  name: "nightly_batch",
  defaultInputs: { a: 3 },
  fixedInputs: { region: "x" },
  schedule: { rate: "1d" },
});

export const shout = task({ name: "shout_report", inputs: { s: z.string() }, outputs: z.string() }, ({ s }) => s.toUpperCase());

// A launch plan as a node: a child execution with the launch plan's saved inputs.
export const launcher_wf = workflow(
  { name: "launcher_wf", inputs: { a: z.int() }, outputs: z.string() },
  ({ a }) => shout({ s: hourly_report({ a }) }),
);

if (import.meta.main) {
  console.log(await hourly_report({ a: 5 })); // report 5 for x
  console.log(await hourly_report()); // report 3 for x
  console.log(await launcher_wf({ a: 7 })); // REPORT 7 FOR X
}
