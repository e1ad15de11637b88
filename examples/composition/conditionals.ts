// Conditionals: `conditional(name).if(...).then(...).elif(...).then(...).else()...` is ONE branch
// node of the workflow. Exactly one branch runs; the nodes of the others end SKIPPED.
//
//   npx flyte run examples/composition/conditionals.ts shape_wf --x 0.5     # {"o0":1}
//   npx flyte run examples/composition/conditionals.ts shape_wf --x 4       # {"o0":16}
//   npx flyte run examples/composition/conditionals.ts shape_wf --x -1      # fails: "the input must be positive"
import { z } from "zod";
import { conditional, task, workflow } from "flytekit";

export const double = task({ name: "double", inputs: { n: z.number() }, outputs: z.number() }, ({ n }) => n * 2);
export const square = task({ name: "square", inputs: { n: z.number() }, outputs: z.number() }, ({ n }) => n * n);

// The constants 0.1, 1.0 take the type of x (FLOAT): `x.gt(1.0)` compares floats.
export const shape_wf = workflow(
  { name: "shape_wf", inputs: { x: z.number() }, outputs: z.number() },
  ({ x }) =>
    conditional("size")
      .if(x.gt(0.1).and(x.lt(1.0))).then(() => double({ n: x }))
      .elif(x.gte(1.0)).then(() => square({ n: x }))
      .else().fail("the input must be positive"),
);

export const coin_toss = task({ name: "coin_toss", inputs: { seed: z.int() }, outputs: z.boolean() }, ({ seed }) => seed % 2 === 0);
export const greet = task({ name: "greet", inputs: { who: z.string() }, outputs: z.string() }, ({ who }) => `hello ${who}`);
export const shout = task({ name: "shout", inputs: { s: z.string() }, outputs: z.string() }, ({ s }) => `${s.toUpperCase()}!`);

// Conditions can read outputs of earlier nodes, nest, and feed later nodes.
export const nested_wf = workflow(
  { name: "nested_wf", inputs: { seed: z.int(), who: z.string() }, outputs: z.string() },
  ({ seed, who }) => {
    const heads = coin_toss({ seed });
    const message = conditional("toss")
      .if(heads.isTrue())
      .then(() =>
        conditional("who")
          .if(who.eq("world")).then(() => greet({ who: "everyone" }))
          .else().then(() => greet({ who })),
      )
      .else().then(() => greet({ who: "tails" }));
    return shout({ s: message });
  },
);

if (import.meta.main) {
  console.log(await shape_wf({ x: 0.5 }), await shape_wf({ x: 4 })); // 1 16
  console.log(await nested_wf({ seed: 2, who: "world" })); // HELLO EVERYONE!
}
