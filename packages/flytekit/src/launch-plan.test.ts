import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FixedRateUnit } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import type { ExecutionEvent } from "@flyte/engine";
import { z } from "zod";
import { definitionOf } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { LaunchPlanDefinition, launchPlan } from "./launch-plan.ts";
import { runLocally } from "./local/run.ts";
import { cronProblem } from "./schedule.ts";
import { launchPlanOf } from "./serialize/launch-plan-spec.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { workflowBundleOf } from "./serialize/workflow-template.ts";
import { task } from "./task.ts";
import type { WorkflowDefinition} from "./workflow.ts";
import { workflow } from "./workflow.ts";

const report = task({ name: "lp.report", inputs: { a: z.int(), region: z.string() }, outputs: z.string() }, ({ a, region }) => `${a}@${region}`);
const report_wf = workflow(
  { name: "lp.report_wf", inputs: { a: z.int(), region: z.string(), when: z.date().optional() }, outputs: z.string() },
  ({ a, region }) => report({ a, region }),
);
const lp = launchPlan(report_wf, { name: "lp.hourly", defaultInputs: { a: 3 }, fixedInputs: { region: "x" }, maxParallelism: 2 });

const invalid = (options: Record<string, unknown>, code: string, pattern: RegExp): void => {
  assert.throws(
    () => launchPlan(report_wf, { name: "lp.bad", ...options }),
    (e: unknown) => e instanceof FlyteError && e.code === code && pattern.test(e.message),
  );
};

describe("launchPlan() definitions", () => {
  test("unknown, mistyped and doubly given inputs are rejected, naming the launch plan and the input", () => {
    invalid({ defaultInputs: { nope: 1 } }, "E_UNKNOWN_INPUT", /launch plan 'lp.bad'.*'nope'/);
    invalid({ fixedInputs: { a: "three" } }, "E_INPUT_TYPE", /fixedInputs\.a/);
    invalid({ defaultInputs: { a: 1 }, fixedInputs: { a: 2 } }, "E_INVALID_DEFINITION", /both a default and a fixed/);
    invalid({ maxParallelism: -1 }, "E_INVALID_DEFINITION", /maxParallelism/);
  });

  test("schedules are checked: cron syntax, sub-minute rates, unbound required inputs, kickoff input", () => {
    invalid({ schedule: { cron: "61 * * * *" }, fixedInputs: { a: 1, region: "x" } }, "E_INVALID_SCHEDULE", /Invalid value for minute: 61/);
    invalid({ schedule: { rate: "30s" }, fixedInputs: { a: 1, region: "x" } }, "E_INVALID_SCHEDULE", /less than a minute/);
    invalid({ schedule: { cron: "@hourly" }, fixedInputs: { region: "x" } }, "E_INVALID_SCHEDULE", /unbound required input 'a'/);
    invalid({ schedule: { cron: "@hourly", kickoffTimeInput: "a" }, fixedInputs: { region: "x" } }, "E_INVALID_SCHEDULE", /z\.date\(\)/);
    const ok = launchPlan(report_wf, { name: "lp.ok", defaultInputs: { a: 1 }, fixedInputs: { region: "x" }, schedule: { cron: "*/5 0-6 * JAN-MAR mon,fri", kickoffTimeInput: "when" } });
    assert.ok(definitionOf(ok) instanceof LaunchPlanDefinition);
  });

  test("the cron validator accepts five fields and aliases, and explains what is wrong", () => {
    for (const good of ["0 * * * *", "@daily", "hourly", "*/15 9-17 1,15 * 1-5", "0 0 ? * SUN"]) assert.equal(cronProblem(good), undefined, good);
    assert.match(cronProblem("* * * *") ?? "", /expected 5 fields/);
    assert.match(cronProblem("0 24 * * *") ?? "", /hour: 24/);
    assert.match(cronProblem("0 0 * * 1/0") ?? "", /stepping/);
    assert.match(cronProblem("5-1 * * * *") ?? "", /larger than/);
  });

  test("notifications need terminal phases and recipients", () => {
    invalid({ notifications: [{ kind: "email", phases: [], recipients: ["a@b"] }] }, "E_INVALID_DEFINITION", /at least one phase/);
    invalid({ notifications: [{ kind: "slack", phases: ["RUNNING"], recipients: ["a@b"] }] }, "E_INVALID_DEFINITION", /only terminal phases/);
  });
});

describe("launch plans run locally", () => {
  test("a call runs the workflow with the saved inputs merged in", async () => {
    assert.equal(await lp({ a: 5 }), "5@x");
    assert.equal(await lp(), "3@x");
  });

  test("a fixed input cannot be overridden, in a call or in a workflow body", () => {
    assert.throws(() => lp({ region: "y" } as never), (e: unknown) => e instanceof FlyteError && e.code === "E_FIXED_INPUT" && /launch plan 'lp.hourly' fixes input 'region'/.test(e.message));
    const body = workflow({ name: "lp.override", inputs: {}, outputs: z.string() }, () => lp({ region: "y" } as never));
    assert.throws(() => (definitionOf(body) as WorkflowDefinition).trace(), /fixes input 'region'/);
  });

  test("inside a workflow body a launch plan is a node run as a child execution", async () => {
    const parent = workflow({ name: "lp.parent", inputs: { a: z.int() }, outputs: z.string() }, ({ a }) => lp({ a }));
    const events: ExecutionEvent[] = [];
    const out = await runLocally(definitionOf(parent) as WorkflowDefinition, { a: 9 }, { events: { emit: (e) => events.push(e) } });
    assert.equal(out, "9@x");
    const executions = new Set(events.map((e) => e.executionId));
    assert.equal(executions.size, 2, "the launch plan ran as its own execution");
    const child = [...executions].find((id) => id.endsWith("-n0"));
    assert.ok(child !== undefined);
    assert.ok(events.some((e) => e.kind === "task" && e.executionId === child && e.taskName === "lp.report"));
    const bundle = workflowBundleOf(definitionOf(parent) as WorkflowDefinition, LOCAL_SETTINGS);
    const node = bundle.primary.nodes[0];
    assert.equal(node?.target.case === "workflowNode" && node.target.value.reference.case, "launchplanRef");
  });

  test("maxParallelism of a launch plan limits its executions", async () => {
    let running = 0;
    let peak = 0;
    const slow = task({ name: "lp.slow", inputs: { i: z.int() }, outputs: z.int() }, async ({ i }) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    });
    const fan = workflow({ name: "lp.fan", inputs: {}, outputs: z.array(z.int()) }, () => [0, 1, 2, 3, 4].map((i) => slow({ i })));
    const limited = launchPlan(fan, { name: "lp.fan_limited", maxParallelism: 2 });
    assert.deepEqual(await limited(), [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
  });
});

describe("launch plans in the IR", () => {
  test("a named launch plan carries defaults, fixed inputs, schedule, notifications and parallelism", () => {
    const scheduled = launchPlan(report_wf, {
      name: "lp.scheduled",
      defaultInputs: { a: 3 },
      fixedInputs: { region: "x" },
      schedule: { rate: "2h" },
      notifications: [{ kind: "slack", phases: ["FAILED"], recipients: ["#ops"] }],
      maxParallelism: 7,
    });
    const message = launchPlanOf(definitionOf(scheduled) as LaunchPlanDefinition, LOCAL_SETTINGS);
    const spec = message.spec!;
    assert.equal(spec.workflowId?.name, "lp.report_wf");
    assert.deepEqual(Object.keys(spec.defaultInputs?.parameters ?? {}).sort(), ["a", "when"]);
    assert.equal(spec.defaultInputs?.parameters["a"]?.behavior.case, "default");
    assert.deepEqual(Object.keys(spec.fixedInputs?.literals ?? {}), ["region"]);
    const rate = spec.entityMetadata?.schedule?.ScheduleExpression;
    assert.equal(rate?.case, "rate");
    assert.deepEqual(rate?.case === "rate" && [rate.value.value, rate.value.unit], [2, FixedRateUnit.HOUR]);
    assert.equal(spec.entityMetadata?.notifications[0]?.type.case, "slack");
    assert.equal(spec.maxParallelism, 7);
  });
});
