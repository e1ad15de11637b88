import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ExecutionEvent } from "@flyte/engine";
import { z } from "zod";
import { definitionOf } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { runLocally } from "./local/run.ts";
import { task } from "./task.ts";
import type { WorkflowDefinition} from "./workflow.ts";
import { workflow } from "./workflow.ts";

const inc = task({ name: "sw.inc", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  if (n < 0) throw new Error(`negative ${n}`);
  return n + 1;
});
const inner = workflow({ name: "sw.inner", inputs: { n: z.int() }, outputs: { plus_two: z.int() } }, ({ n }) => ({ plus_two: inc({ n: inc({ n }) }) }));
const outer = workflow({ name: "sw.outer", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  const { plus_two } = inner({ n });
  return inc({ n: plus_two });
});
const def = definitionOf(outer) as WorkflowDefinition;

describe("sub-workflows run locally", () => {
  test("inner nodes run in the parent's execution with ids <node>-0-<inner>, and outputs flow back", async () => {
    const events: ExecutionEvent[] = [];
    assert.equal(await runLocally(def, { n: 1 }, { events: { emit: (e) => events.push(e) } }), 4);
    assert.equal(new Set(events.map((e) => e.executionId)).size, 1);
    const succeeded = events.filter((e) => e.kind === "node" && e.phase === "SUCCEEDED").map((e) => (e.kind === "node" ? e.nodeId : ""));
    assert.deepEqual(succeeded, ["n0-0-n0", "n0-0-n1", "n0", "n1"]);
  });

  test("a failure inside a sub-workflow fails the parent with the inner node's id", async () => {
    await assert.rejects(runLocally(def, { n: -5 }), (e: unknown) => {
      assert.ok(e instanceof FlyteError);
      assert.match(e.message, /at node n0-0-n0 \(task 'sw.inc'\)/);
      assert.match(e.message, /negative -5/);
      return true;
    });
  });
});
