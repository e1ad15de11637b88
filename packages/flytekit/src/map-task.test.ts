import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import type { ExecutionEvent } from "@flyte/engine";
import { FlyteError, mapTask, task, workflow, type CallInputs, type NodePromise } from "./index.ts";
import { definitionOf } from "./entity.ts";
import { runLocally } from "./local/run.ts";
import type { MapTaskDefinition } from "./map-task.ts";

const sq = task({ name: "map_test.sq", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => {
  if (x < 0) throw new Error(`negative: ${x}`);
  return x * x;
});
const add = task({ name: "map_test.add", inputs: { a: z.int(), b: z.int() }, outputs: z.int() }, ({ a, b }) => a + b);
const two = task({ name: "map_test.two", inputs: { a: z.int() }, outputs: [z.int(), z.int()] }, ({ a }) => [a, a]);

describe("mapTask", () => {
  test("a mapped task runs once per element and returns the list of outputs", async () => {
    assert.deepEqual(await mapTask(sq)({ x: [1, 2, 3] }), [1, 4, 9]);
  });

  test("an empty list maps to an empty list", async () => {
    assert.deepEqual(await mapTask(sq)({ x: [] }), []);
  });

  test("bound inputs are the same for every item and are not mapped", async () => {
    const m = mapTask(add, { bound: { b: 10 } });
    expectTypeOf(m).parameter(0).toEqualTypeOf<CallInputs<{ readonly a: z.ZodArray<z.ZodInt> }>>();
    assert.deepEqual(await m({ a: [1, 2] }), [11, 12]);
    assert.deepEqual((definitionOf(m) as MapTaskDefinition).signature.inputNames, ["a"]);
  });

  test("with a success ratio below 1 failed items are null and the output type says so", async () => {
    const wf = workflow({ name: "map_test.lenient", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.int().nullable()) }, ({ xs }) => {
      const out = mapTask(sq, { minSuccessRatio: 0.5 })({ x: xs });
      expectTypeOf(out).toExtend<NodePromise<(number | null)[]>>();
      return out;
    });
    assert.deepEqual(await wf({ xs: [1, -2, 3] }), [1, null, 9]);
  });

  test("minSuccesses lets items fail too", async () => {
    assert.deepEqual(await mapTask(sq, { minSuccesses: 1 })({ x: [-1, 2] }), [null, 4]);
  });

  test("too many failures fail the node, naming the failed items and the first cause", async () => {
    await assert.rejects(mapTask(sq, { minSuccessRatio: 0.5 })({ x: [-1, -2, 3] }), (err: unknown) => {
      assert.ok(err instanceof FlyteError);
      // Items may end in either order; the message names them in index order and the lowest first.
      assert.match(err.message, /2 of 3 items failed \(items 0, 1\); at least 2 had to succeed/);
      assert.match(err.message, /First failure \(item 0\): .*negative: -1/);
      return true;
    });
  });

  test("a consumer that wants a plain list does not compile against a lenient map", () => {
    const wf = workflow({ name: "map_test.strict_consumer", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.int()) }, ({ xs }) =>
      // The SDK's own types already reject it; the compiler must too, for callers outside TypeScript.
      mapTask(sq, { minSuccessRatio: 0.5 })({ x: xs }) as unknown as NodePromise<number[]>,
    );
    return assert.rejects(wf({ xs: [1] }), (err: unknown) => err instanceof FlyteError && err.code === "E_COMPILE");
  });

  test("no more items run at once than the concurrency allows", async () => {
    let running = 0;
    let peak = 0;
    const slow = task({ name: "map_test.slow", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return x;
    });
    assert.deepEqual(await mapTask(slow, { concurrency: 3 })({ x: [1, 2, 3, 4, 5, 6, 7] }), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(peak, 3);
  });

  test("a workflow maps: one sub-workflow run per item", async () => {
    const sub = workflow({ name: "map_test.sub", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => add({ a, b: sq({ x: a }) }));
    assert.deepEqual(await mapTask(sub)({ a: [1, 2, 3] }), [2, 6, 12]);
  });

  test("items are recorded as nodes <node>-<i> with their task attempts", async () => {
    const events: ExecutionEvent[] = [];
    const def = definitionOf(mapTask(sq)) as MapTaskDefinition;
    await runLocally(def, { x: [1, 2] }, { events: { emit: (e) => events.push(e) } });
    const items = events.filter((e) => e.kind === "node" && e.phase === "SUCCEEDED").map((e) => (e as { nodeId: string }).nodeId);
    assert.deepEqual(items.sort(), ["n0", "n0-0", "n0-1"]);
    assert.equal(events.filter((e) => e.kind === "task" && e.phase === "SUCCEEDED").length, 2);
  });

  test("mapping the same entity the same way twice gives one entity", () => {
    assert.equal(definitionOf(mapTask(sq, { concurrency: 2 })), definitionOf(mapTask(sq, { concurrency: 2 })));
    assert.notEqual(definitionOf(mapTask(sq, { concurrency: 2 })), definitionOf(mapTask(sq, { concurrency: 3 })));
  });

  test("entities with more than one output are rejected with a clear message", () => {
    assert.throws(() => mapTask(two), (err: unknown) => err instanceof FlyteError && err.code === "E_INVALID_DEFINITION" && /at most one output/.test(err.message));
  });

  test("bad options are rejected, naming the option", () => {
    assert.throws(() => mapTask(sq, { minSuccessRatio: 1.5 }), /minSuccessRatio must be a number from 0 to 1/);
    assert.throws(() => mapTask(sq, { concurrency: -1 }), /concurrency must be a whole number/);
    assert.throws(() => mapTask(sq, { minSuccesses: 1, minSuccessRatio: 0.5 }), /not both/);
    assert.throws(() => mapTask(add, { bound: { c: 1 } as never }), (err: unknown) => err instanceof FlyteError && err.code === "E_UNKNOWN_INPUT");
    assert.throws(() => mapTask(add, { bound: { b: "x" as never } }), (err: unknown) => err instanceof FlyteError && err.code === "E_INPUT_TYPE");
  });

  test("mapped lists of different lengths fail the node", async () => {
    await assert.rejects(mapTask(add)({ a: [1, 2], b: [1] }), /different lengths/);
  });
});
