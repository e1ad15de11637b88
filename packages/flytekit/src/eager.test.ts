import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import type { ExecutionEvent } from "@flyte/engine";
import { eager, FlyteError, mapTask, task, workflow } from "./index.ts";
import { definitionOf } from "./entity.ts";
import { runLocally } from "./local/run.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { taskTemplateOf } from "./serialize/task-template.ts";
import type { TaskDefinition } from "./task.ts";

const addOne = task({ name: "eager_test.add_one", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x + 1);
const double = task({ name: "eager_test.double", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);
const fail = task({ name: "eager_test.fail", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  throw new Error(`no ${n}`);
});

const smart = eager({ name: "eager_test.smart", inputs: { x: z.int() }, outputs: z.int() }, async ({ x }) => {
  const y = await addOne({ x });
  return y > 3 ? await double({ n: y }) : y;
});

describe("eager", () => {
  test("awaited calls return real values that plain control flow can use", async () => {
    assert.equal(await smart({ x: 1 }), 2);
    assert.equal(await smart({ x: 5 }), 12);
  });

  test("each awaited call is a recorded child node <node>-e0, -e1, ...", async () => {
    const events: ExecutionEvent[] = [];
    await runLocally(definitionOf(smart)!, { x: 5 }, { events: { emit: (e) => events.push(e) } });
    const done = events.filter((e) => e.kind === "node" && e.phase === "SUCCEEDED").map((e) => (e as { nodeId: string }).nodeId);
    assert.deepEqual(done.filter((id) => /^n0-e\d+$/.test(id)), ["n0-e0", "n0-e1"]);
    const attempts = events.flatMap((e) => (e.kind === "task" && e.phase === "SUCCEEDED" ? [`${e.nodeId}:${e.taskName}`] : []));
    assert.ok(attempts.includes("n0-e0-n0:eager_test.add_one"), attempts.join(", "));
  });

  test("a failed call can be caught: it is a FlyteError naming the child node and the cause", async () => {
    const careful = eager({ name: "eager_test.careful", inputs: { n: z.int() }, outputs: z.string() }, async ({ n }) => {
      try {
        await fail({ n });
        return "no error";
      } catch (err) {
        assert.ok(err instanceof FlyteError);
        assert.equal(err.code, "E_EAGER_CALL_FAILED");
        return err.message;
      }
    });
    const message = await careful({ n: 3 });
    assert.match(message, /node n0-e0/);
    assert.match(message, /no 3/);
  });

  test("an uncaught failure fails the eager task", async () => {
    const careless = eager({ name: "eager_test.careless", inputs: {}, outputs: z.int() }, async () => fail({ n: 1 }));
    await assert.rejects(careless({}), /eager_test\.careless[\s\S]*no 1/);
  });

  test("workflows, maps and other eager tasks can be awaited, in parallel too", async () => {
    const wf = workflow({ name: "eager_test.wf", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => double({ n: addOne({ x }) }));
    const all = eager({ name: "eager_test.all", inputs: { x: z.int() }, outputs: z.array(z.int()) }, async ({ x }) => {
      const [a, b, c] = await Promise.all([wf({ x }), smart({ x }), mapTask(addOne)({ x: [x, x] })]);
      return [a, b].concat(c);
    });
    assert.deepEqual(await all({ x: 5 }), [12, 12, 6, 6]);
  });

  test("an eager task called from a workflow runs as a task node", async () => {
    const wf = workflow({ name: "eager_test.caller", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => smart({ x }));
    assert.equal(await wf({ x: 4 }), 10);
  });

  test("the task template is marked isEager", () => {
    assert.equal(taskTemplateOf(definitionOf(smart) as TaskDefinition, LOCAL_SETTINGS).metadata?.isEager, true);
    assert.equal(taskTemplateOf(definitionOf(addOne) as TaskDefinition, LOCAL_SETTINGS).metadata?.isEager, false);
  });
});
