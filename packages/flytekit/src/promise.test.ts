import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { FlyteError, task, workflow } from "./index.ts";
import { definitionOf } from "./entity.ts";
import type { WorkflowDefinition } from "./workflow.ts";

const num = task({ name: "promise_test.num", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n);

/** Traces a workflow whose body does `misuse` with an output promise; returns the error. */
function traceError(misuse: (p: unknown) => unknown): FlyteError {
  const wf = workflow({ name: `promise_test.wf${Math.random()}`, inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
    const p = num({ n });
    misuse(p);
    return p;
  });
  const def = definitionOf(wf) as WorkflowDefinition;
  try {
    def.trace();
  } catch (err) {
    assert.ok(err instanceof FlyteError, `expected a FlyteError, got ${String(err)}`);
    return err;
  }
  assert.fail("tracing should have failed");
}

describe("output promises refuse to act as values", () => {
  test("arithmetic on a promise throws a FlyteError naming the node and pointing to conditional/dynamic/eager", () => {
    const err = traceError((p) => (p as number) + 1);
    assert.equal(err.code, "E_PROMISE_MISUSE");
    assert.match(err.message, /output 'o0' of node n0/);
    assert.match(err.message, /conditional\(\)/);
    assert.match(err.message, /eager\(\)/);
  });

  test("comparing a promise with > throws", () => {
    assert.equal(traceError((p) => (p as number) > 3).code, "E_PROMISE_MISUSE");
  });

  test("a template string with a promise throws", () => {
    assert.equal(traceError((p) => `${p as string}`).code, "E_PROMISE_MISUSE");
  });

  test("JSON-serializing a promise throws", () => {
    const err = traceError((p) => JSON.stringify({ p }));
    assert.match(err.message, /JSON/);
  });

  test("iterating a single-output promise throws", () => {
    const err = traceError((p) => [...(p as number[])]);
    assert.match(err.message, /cannot be iterated/);
  });

  test("a promise has no then member, so await does not treat it as a JS Promise", () => {
    traceError((p) => {
      assert.equal("then" in (p as object), false);
      throw new FlyteError("E_PROMISE_MISUSE", "checked");
    });
  });

  test("comparison methods build expressions that refuse truth testing", () => {
    const err = traceError((p) => {
      const expr = (p as { gt(v: number): unknown }).gt(3);
      return (expr as number) > 0;
    });
    assert.match(err.message, /condition/);
  });
});
