import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { FlyteError, FlyteRecoverableError, task, workflow } from "./index.ts";
import { definitionOf } from "./entity.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { workflowBundleOf } from "./serialize/workflow-template.ts";
import type { WorkflowDefinition } from "./workflow.ts";

const t1 = task(
  { name: "wf_test.t1", inputs: { a: z.int() }, outputs: { t1_int_output: z.int(), c: z.string() } },
  ({ a }) => ({ t1_int_output: a + 2, c: "world" }),
);
const t2 = task({ name: "wf_test.t2", inputs: { a: z.string(), b: z.string() }, outputs: z.string() }, ({ a, b }) => Promise.resolve(b + a));
const split = task({ name: "wf_test.split", inputs: { s: z.string() }, outputs: [z.string(), z.int()] }, ({ s }) => [s.toUpperCase(), s.length]);
const total = task({ name: "wf_test.total", inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
const noop = task({ name: "wf_test.noop" }, () => undefined);

function bundle(wf: unknown) {
  return workflowBundleOf(definitionOf(wf) as WorkflowDefinition, LOCAL_SETTINGS);
}

describe("workflows", () => {
  test("the seed workflow runs locally and returns positional outputs as an array", async () => {
    const my_wf = workflow(
      { name: "wf_test.my_wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] },
      ({ a, b }) => {
        const { t1_int_output: x, c: y } = t1({ a });
        const d = t2({ a: y, b });
        return [x, d];
      },
    );
    assert.deepEqual(await my_wf({ a: 50, b: "hello" }), [52, "helloworld"]);
  });

  test("named outputs destructure by position too, and run locally as an object", async () => {
    const wf = workflow({ name: "wf_test.named", inputs: { a: z.int() }, outputs: { n: z.int(), s: z.string() } }, ({ a }) => {
      const [x, y] = t1({ a });
      return { n: x as never, s: y as never };
    });
    assert.deepEqual(await wf({ a: 1 }), { n: 3, s: "world" });
    assert.deepEqual(await t1({ a: 1 }), { t1_int_output: 3, c: "world" });
  });

  test("positional task outputs run locally as an array and single outputs as the value", async () => {
    assert.deepEqual(await split({ s: "abc" }), ["ABC", 3]);
    assert.equal(await t2({ a: "x", b: "y" }), "yx");
    assert.equal(await noop({}), undefined);
  });

  test("node ids are n0, n1, ... in call order, with bindings to start-node and upstream nodes", () => {
    const wf = workflow({ name: "wf_test.ids", inputs: { a: z.int(), b: z.string() }, outputs: z.string() }, ({ a, b }) => {
      const { c } = t1({ a });
      return t2({ a: c, b });
    });
    const { primary } = bundle(wf);
    assert.deepEqual(primary.nodes.map((n) => n.id), ["n0", "n1"]);
    const n1 = primary.nodes[1]!;
    assert.deepEqual(n1.upstreamNodeIds, ["n0"]);
    const bindingOf = (v: string) => n1.inputs.find((b) => b.var === v)?.binding?.value;
    const a = bindingOf("a");
    assert.equal(a?.case, "promise");
    if (a?.case === "promise") assert.deepEqual([a.value.nodeId, a.value.var], ["n0", "c"]);
    const b = bindingOf("b");
    if (b?.case !== "promise") assert.fail("b should bind to the workflow input");
    assert.deepEqual([b.value.nodeId, b.value.var], ["start-node", "b"]);
    assert.equal(primary.nodes[0]!.metadata?.name, "t1");
  });

  test("lists mixing promises and constants become collection bindings", async () => {
    const wf = workflow({ name: "wf_test.mixed", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => {
      const { t1_int_output: x } = t1({ a });
      return total({ xs: [x, 5, a] });
    });
    const node = bundle(wf).primary.nodes[1]!;
    const xs = node.inputs[0]!.binding!.value;
    assert.equal(xs.case, "collection");
    if (xs.case === "collection") assert.deepEqual(xs.value.bindings.map((b) => b.value.case), ["promise", "scalar", "promise"]);
    assert.equal(await wf({ a: 1 }), 3 + 5 + 1);
  });

  test("constant outputs are allowed and become scalar bindings", async () => {
    const wf = workflow({ name: "wf_test.const_out", inputs: { a: z.int() }, outputs: [z.int(), z.string()] }, ({ a }) => {
      const { t1_int_output: x } = t1({ a });
      return [x, "a constant"];
    });
    assert.deepEqual(await wf({ a: 1 }), [3, "a constant"]);
  });

  test("runsBefore adds an ordering edge without data and returns its argument", () => {
    const wf = workflow({ name: "wf_test.order" }, () => {
      const first = noop({});
      const second = noop({});
      const returned = first.runsBefore(second);
      assert.equal(returned, second);
    });
    const { primary } = bundle(wf);
    assert.deepEqual(primary.nodes[1]!.upstreamNodeIds, ["n0"]);
  });

  test("withOverrides returns the same handle and sets node metadata", () => {
    const wf = workflow({ name: "wf_test.overrides", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => {
      const handle = t1({ a });
      const same = handle.withOverrides({ name: "renamed", retries: 3, timeout: "10m", image: "img:1", requests: { cpu: 2 } });
      assert.equal(same, handle);
      const { t1_int_output } = same;
      return t1_int_output;
    });
    const node = bundle(wf).primary.nodes[0]!;
    assert.equal(node.metadata?.name, "renamed");
    assert.equal(node.metadata?.retries?.retries, 3);
    assert.equal(node.metadata?.timeout?.seconds, 600n);
    if (node.target.case !== "taskNode") assert.fail("expected a task node");
    assert.equal(node.target.value.overrides?.containerImage, "img:1");
    assert.equal(node.target.value.overrides?.resources?.requests[0]?.value, "2");
  });

  test("an async body is rejected with a pointer to eager()", () => {
    assert.throws(
      // eslint-disable-next-line @typescript-eslint/require-await, @typescript-eslint/no-misused-promises -- deliberately async: the error under test
      () => workflow({ name: "wf_test.async" }, async () => undefined),
      (err: unknown) => err instanceof FlyteError && err.code === "E_ASYNC_WORKFLOW_BODY" && /eager\(\)/.test(err.message),
    );
  });

  test("an output name that collides with a promise method is rejected at definition", () => {
    assert.throws(
      () => task({ name: "wf_test.bad", outputs: { withOverrides: z.int() } }, () => ({ withOverrides: 1 })),
      (err: unknown) => err instanceof FlyteError && err.code === "E_RESERVED_NAME",
    );
  });

  test("an INTEGER output feeding a FLOAT input is a compile error naming the node and input", async () => {
    const half = task({ name: "wf_test.half", inputs: { x: z.number() }, outputs: z.number() }, ({ x }) => x / 2);
    const wf = workflow({ name: "wf_test.int_to_float", inputs: { a: z.int() }, outputs: z.number() }, ({ a }) => {
      const { t1_int_output } = t1({ a });
      return half({ x: t1_int_output });
    });
    await assert.rejects(
      () => wf({ a: 1 }),
      (err: unknown) => err instanceof FlyteError && err.code === "E_COMPILE" && /n1/.test(err.message) && /\bx\b/.test(err.message),
    );
  });
});

describe("local runs", () => {
  test("a recoverable error is retried up to the task's retries", async () => {
    let calls = 0;
    const flaky = task({ name: "run_test.flaky", outputs: z.int(), retries: 2 }, () => {
      calls++;
      if (calls < 3) throw new FlyteRecoverableError("not yet");
      return calls;
    });
    assert.equal(await flaky({}), 3);
  });

  test("a plain error fails at once, naming the node, the task and the cause", async () => {
    let calls = 0;
    const broken = task({ name: "run_test.broken", inputs: { a: z.int() }, outputs: z.int(), retries: 5 }, () => {
      calls++;
      throw new Error("boom");
    });
    const wf = workflow({ name: "run_test.wf", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => broken({ a }));
    await assert.rejects(
      () => wf({ a: 1 }),
      (err: unknown) =>
        err instanceof FlyteError && err.code === "E_EXECUTION_FAILED" && /n0/.test(err.message) && /run_test\.broken/.test(err.message) && /boom/.test(err.message),
    );
    assert.equal(calls, 1);
  });

  test("a task that times out fails the run", async () => {
    const slow = task({ name: "run_test.slow", timeout: 20 }, () => new Promise<void>((r) => setTimeout(r, 500)));
    await assert.rejects(() => slow({}), (err: unknown) => err instanceof FlyteError && /run_test\.slow/.test(err.message));
  });

  test("an output of the wrong type fails the task with the output's name", async () => {
    const liar = task({ name: "run_test.liar", outputs: z.int() }, () => "text" as never);
    await assert.rejects(() => liar({}), (err: unknown) => err instanceof FlyteError && /o0/.test(err.message));
  });
});
