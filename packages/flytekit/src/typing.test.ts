// Type-level tests: checked by `tsc` (npm run typecheck). A wrong inference or a missing
// compile error fails the typecheck; the runtime test below only runs the traced bodies.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import { task, workflow, type NodePromise } from "./index.ts";

const t1 = task(
  { name: "typing_test.t1", inputs: { a: z.int() }, outputs: { t1_int_output: z.int(), c: z.string() } },
  ({ a }) => {
    expectTypeOf(a).toEqualTypeOf<number>();
    return { t1_int_output: a + 2, c: "world" };
  },
);
const t2 = task({ name: "typing_test.t2", inputs: { a: z.string(), b: z.string().default("x") }, outputs: z.string() }, ({ a, b }) => {
  expectTypeOf(b).toEqualTypeOf<string>();
  return b + a;
});
const pos = task({ name: "typing_test.pos", inputs: { d: z.date(), xs: z.array(z.number()) }, outputs: [z.string(), z.boolean()] }, ({ d, xs }) => {
  expectTypeOf(d).toEqualTypeOf<Date>();
  expectTypeOf(xs).toEqualTypeOf<number[]>();
  return [d.toISOString(), xs.length > 0];
});

// A body's return type is checked against the declared outputs.
// @ts-expect-error -- returns a number where a string output is declared
task({ name: "typing_test.wrong_out", outputs: z.string() }, () => 5);

const wf = workflow(
  { name: "typing_test.wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] },
  ({ a, b }) => {
    expectTypeOf(a).toEqualTypeOf<NodePromise<number>>();
    const { t1_int_output: x, c: y } = t1({ a });
    expectTypeOf(x).toEqualTypeOf<NodePromise<number>>();
    expectTypeOf(y).toEqualTypeOf<NodePromise<string>>();
    // Type errors only: never called, so the traced graph stays valid.
    const _mistakes = (): void => {
      // @ts-expect-error -- a number promise cannot bind to a string input
      t2({ a: x });
      // @ts-expect-error -- unknown input
      t2({ a: y, zzz: 1 });
      // @ts-expect-error -- missing required input
      t2({ b });
    };
    const d = t2({ a: y }); // b has a default, so it may be omitted
    return [x, d];
  },
);

test("calls outside a workflow body are typed as JS Promises of native outputs", async () => {
  expectTypeOf(t1({ a: 1 })).resolves.toEqualTypeOf<{ t1_int_output: number; c: string }>();
  expectTypeOf(pos({ d: new Date(0), xs: [] })).resolves.toEqualTypeOf<[string, boolean]>();
  expectTypeOf(t2({ a: "a" })).resolves.toEqualTypeOf<string>();
  const out = await wf({ a: 1, b: "b" });
  expectTypeOf(out).toEqualTypeOf<[number, string]>();
  assert.deepEqual(out, [3, "xworld"]);
});
