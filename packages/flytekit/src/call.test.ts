import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { FlyteError, task, workflow } from "./index.ts";

const add = task(
  { name: "call_test.add", inputs: { a: z.int(), b: z.int().default(10) }, outputs: z.int() },
  ({ a, b }) => a + b,
);

async function rejection(fn: () => unknown): Promise<FlyteError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof FlyteError, `expected FlyteError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

describe("calls take one object of named inputs", () => {
  test("positional arguments are rejected with the entity's name and an example", async () => {
    const err = await rejection(() => (add as unknown as (...a: unknown[]) => unknown)(1, 2));
    assert.equal(err.code, "E_POSITIONAL_ARGS");
    assert.match(err.message, /call_test\.add/);
    assert.match(err.message, /\{ a: \.\.\., b: \.\.\. \}/);
  });

  test("an unknown input names the input and lists the known ones", async () => {
    const err = await rejection(() => add({ a: 1, c: 3 } as never));
    assert.equal(err.code, "E_UNKNOWN_INPUT");
    assert.match(err.message, /'c'/);
    assert.match(err.message, /a, b/);
  });

  test("a missing required input names it", async () => {
    const err = await rejection(() => add({} as never));
    assert.equal(err.code, "E_MISSING_INPUT");
    assert.match(err.message, /'a'/);
  });

  test("a constant of the wrong type names the entity and the input", async () => {
    const err = await rejection(() => add({ a: "x" as never }));
    assert.equal(err.code, "E_INPUT_TYPE");
    assert.match(err.message, /call_test\.add/);
    assert.match(err.message, /'a'/);
  });

  test("a mistyped constant inside a workflow body fails when the workflow compiles", async () => {
    const wf = workflow({ name: "call_test.bad_const", outputs: z.int() }, () => add({ a: "nope" as never }));
    const err = await rejection(() => wf({}));
    assert.equal(err.code, "E_INPUT_TYPE");
    assert.match(err.message, /node n0/);
  });

  test("an input with a default may be omitted, locally and in a workflow", async () => {
    assert.equal(await add({ a: 1 }), 11);
    const wf = workflow({ name: "call_test.defaults", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => add({ a }));
    assert.equal(await wf({ a: 5 }), 15);
  });
});
