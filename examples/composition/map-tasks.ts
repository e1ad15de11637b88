// Map tasks: one node that runs a task (or a workflow) once per list element, in parallel.
//
//   npx flyte run examples/composition/map-tasks.ts greet_all --names '["ada","alan","grace"]' --json
//   npx flyte run examples/composition/map-tasks.ts lenient --xs '[1,2,3,4]' --json
import { z } from "zod";
import { mapTask, task, workflow } from "flytekit";

export const say_hello = task({ name: "say_hello", inputs: { name: z.string() }, outputs: z.string() }, ({ name }) => `hello ${name}`);

// Every item must succeed (the default); at most 10 run at once.
export const greet_all = workflow(
  { name: "greet_all", inputs: { names: z.array(z.string()) }, outputs: z.array(z.string()) },
  ({ names }) => mapTask(say_hello, { concurrency: 10 })({ name: names }),
);

export const scale = task(
  { name: "scale", inputs: { a: z.int(), b: z.number(), unit: z.string() }, outputs: z.string() },
  ({ a, b, unit }) => `${a * b}${unit}`,
);

// `bound` fixes an input for every item: only `a` and `b` are mapped.
export const scaled = workflow(
  { name: "scaled", inputs: { as: z.array(z.int()), bs: z.array(z.number()) }, outputs: z.array(z.string()) },
  ({ as, bs }) => mapTask(scale, { bound: { unit: "kg" } })({ a: as, b: bs }),
);

export const invert = task({ name: "invert", inputs: { x: z.int() }, outputs: z.number() }, ({ x }) => {
  if (x % 3 === 0) throw new Error(`${x} is a multiple of 3`);
  return 1 / x;
});

// Half the items may fail: failed items are null, and the output type says so.
export const lenient = workflow(
  { name: "lenient", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.number().nullable()) },
  ({ xs }) => mapTask(invert, { minSuccessRatio: 0.5 })({ x: xs }),
);

// Beyond Flyte 1: a workflow maps too, one sub-workflow run per item.
export const report_city = workflow({ name: "report_city", inputs: { city: z.string() }, outputs: z.string() }, ({ city }) =>
  say_hello({ name: say_hello({ name: city }) }),
);

export const per_city = workflow(
  { name: "per_city", inputs: { cities: z.array(z.string()) }, outputs: z.array(z.string()) },
  ({ cities }) => mapTask(report_city, { concurrency: 2 })({ city: cities }),
);

if (import.meta.main) {
  console.log(await greet_all({ names: ["ada", "alan"] })); // [ 'hello ada', 'hello alan' ]
  console.log(await scaled({ as: [1, 2], bs: [0.5, 1.5] })); // [ '0.5kg', '3kg' ]
  console.log(await lenient({ xs: [1, 2, 3, 4] })); // [ 1, 0.5, null, 0.25 ]
  console.log(await per_city({ cities: ["Oslo", "Lima"] })); // [ 'hello hello Oslo', 'hello hello Lima' ]
  console.log(await mapTask(say_hello)({ name: ["x"] })); // a map runs alone too: [ 'hello x' ]
}
