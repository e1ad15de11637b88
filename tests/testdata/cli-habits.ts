// Entities for tests/cli-remote-habits.test.ts and tests/cli-config-help.test.ts: a launch plan
// with default and fixed inputs (run by name), a sub-workflow and an eager task (nested nodes), a
// task that logs on every attempt and retries (attempt numbers), a task that logs while it runs
// (logs --follow), one that fails, and a map task (map items as nodes).
import { z } from "zod";
import { currentContext, eager, FlyteRecoverableError, launchPlan, mapTask, task, workflow } from "flytekit";

export const greet = task(
  { name: "greet", inputs: { who: z.string(), punct: z.string().default("!") }, outputs: z.string() },
  ({ who, punct }) => {
    console.log(`greeting ${who}`);
    return `hello ${who}${punct}`;
  },
);

// A sub-workflow node (n0) with two task nodes inside it (n0-0-n0, n0-0-n1).
export const inner = workflow({ name: "inner", inputs: { who: z.string() }, outputs: z.string() }, ({ who }) => {
  const first = greet({ who });
  return greet({ who: first, punct: "?" });
});

export const outer = workflow({ name: "outer", inputs: { who: z.string() }, outputs: z.string() }, ({ who }) => inner({ who }));

// Fails recoverably on its first attempt, printing the attempt number as the CLI shows it.
export const wobbly = task({ name: "wobbly", inputs: { n: z.int() }, outputs: z.int(), retries: 2 }, ({ n }) => {
  const attempt = currentContext().retryAttempt + 1;
  console.log(`wobbly attempt ${attempt}`);
  if (attempt < 2) throw new FlyteRecoverableError(`attempt ${attempt}: not yet`);
  return n * 10;
});

// An eager task whose awaited calls become child nodes n0-e0 and n0-e1.
export const twice = eager({ name: "twice", inputs: { n: z.int() }, outputs: z.int() }, async ({ n }) => {
  const once = await wobbly({ n });
  return await wobbly({ n: once });
});

// Prints a line, waits, prints another: long enough for `get logs --follow` to start first.
export const chatty = task({ name: "chatty", inputs: { ms: z.int() }, outputs: z.string() }, async ({ ms }) => {
  console.log("chatty starts");
  await new Promise((resolve) => setTimeout(resolve, ms));
  console.log("chatty ends");
  return "done";
});

export const broken = task({ name: "broken", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  throw new Error(`broken on ${n}`);
});

export const label = task(
  { name: "label", inputs: { a: z.int(), region: z.string(), tag: z.string() }, outputs: z.string() },
  ({ a, region, tag }) => `${tag}:${region}:${a}`,
);

export const label_wf = workflow(
  { name: "label_wf", inputs: { a: z.int(), region: z.string(), tag: z.string().default("t") }, outputs: z.string() },
  ({ a, region, tag }) => label({ a, region, tag }),
);

// Run by name in the tests: `a` defaults to 3, `region` is fixed, `tag` keeps the workflow's default.
export const label_lp = launchPlan(label_wf, { name: "label_lp", defaultInputs: { a: 3 }, fixedInputs: { region: "eu" } });

export const chatty_wf = workflow({ name: "chatty_wf", inputs: { ms: z.int() }, outputs: z.string() }, ({ ms }) => chatty({ ms }));

export const broken_wf = workflow({ name: "broken_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => broken({ n }));

export const twice_wf = workflow({ name: "twice_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => twice({ n }));

// A map task: its items are nodes n0-0, n0-1, ... of the map node n0.
export const shout_item = task({ name: "shout_item", inputs: { s: z.string() }, outputs: z.string() }, ({ s }) => {
  console.log(`item ${s}`);
  return s.toUpperCase();
});

export const shout_all = workflow({ name: "shout_all", inputs: { xs: z.array(z.string()) }, outputs: z.array(z.string()) }, ({ xs }) =>
  mapTask(shout_item)({ s: xs }),
);
