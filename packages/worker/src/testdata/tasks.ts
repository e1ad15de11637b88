// Tasks the worker's tests run: success with output, errors of each kind, a dynamic task, eager
// tasks (one call, two calls, a caught failure), one that never finishes, and one that leaves a
// rejection uncaught.
import { z } from "zod";
import { currentContext, dynamic, eager, FlyteError, FlyteRecoverableError, task } from "flytekit";

export const add = task({ name: "add", inputs: { a: z.int(), b: z.int() }, outputs: z.int() }, ({ a, b }) => {
  console.log(`adding ${a} and ${b}`);
  currentContext().logger.info(`node ${currentContext().nodeId}`);
  return a + b;
});

export const flaky = task({ name: "flaky", inputs: {}, outputs: z.int() }, () => {
  throw new FlyteRecoverableError("try again");
});

export const broken = task({ name: "broken", inputs: {}, outputs: z.int() }, () => {
  throw new TypeError("boom");
});

export const forever = task({ name: "forever", inputs: {}, outputs: z.int() }, () => new Promise<number>(() => {}));

export const leaky = task({ name: "leaky", inputs: {}, outputs: z.int() }, async () => {
  void Promise.reject(new RangeError("detached failure"));
  return new Promise<number>(() => {});
});

export const fan = dynamic({ name: "fan", inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) =>
  Array.from({ length: n }, (_, i) => add({ a: i, b: 1 })),
);

export const smart = eager({ name: "smart", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => add({ a: x, b: 1 }));

export const twice = eager({ name: "twice", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  const y = await add({ a: x, b: 1 });
  return add({ a: y, b: y });
});

export const careful = eager({ name: "careful", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  try {
    return await add({ a: x, b: 1 });
  } catch (err) {
    if (err instanceof FlyteError && err.code === "E_EAGER_CALL_FAILED") return -1;
    throw err;
  }
});
