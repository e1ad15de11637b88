import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import type { ExecutionEvent } from "@flyte/engine";
import { dynamic, FlyteError, mapTask, task, workflow } from "./index.ts";
import { definitionOf } from "./entity.ts";
import type { DynamicDefinition } from "./dynamic.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { runLocally } from "./local/run.ts";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { toLiteralMap } from "./types/index.ts";

const label = task({ name: "dyn_test.label", inputs: { i: z.int() }, outputs: z.string() }, ({ i }) => `#${i}`);
const boom = task({ name: "dyn_test.boom", inputs: { i: z.int() }, outputs: z.int() }, ({ i }) => {
  throw new Error(`boom ${i}`);
});

const fan = dynamic({ name: "dyn_test.fan", inputs: { n: z.int() }, outputs: z.array(z.string()) }, ({ n }) =>
  Array.from({ length: n }, (_, i) => label({ i })),
);

describe("dynamic", () => {
  test("the body gets real inputs and its calls run as the node's sub-graph", async () => {
    assert.deepEqual(await fan({ n: 3 }), ["#0", "#1", "#2"]);
  });

  test("the body's calls are nodes dn0, dn1, ... under the dynamic node, which goes DYNAMIC_RUNNING", async () => {
    const events: ExecutionEvent[] = [];
    await runLocally(definitionOf(fan)!, { n: 2 }, { events: { emit: (e) => events.push(e) } });
    const nodes = events.filter((e) => e.kind === "node");
    assert.ok(nodes.some((e) => e.nodeId === "n0" && e.phase === "DYNAMIC_RUNNING"));
    const inner = [...new Set(nodes.map((e) => e.nodeId).filter((id) => id.startsWith("n0-")))].sort();
    assert.deepEqual(inner, ["n0-dn0", "n0-dn1"]);
  });

  test("a body that calls nothing returns its outputs directly", async () => {
    const plain = dynamic({ name: "dyn_test.plain", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);
    assert.equal(await plain({ n: 4 }), 8);
    const built = (definitionOf(plain) as DynamicDefinition).expand(toLiteralMap({ n: 1 }, { n: z.int() }, "t", "input"), LOCAL_SETTINGS);
    assert.equal(built.kind, "outputs");
  });

  test("the job spec holds the nodes, the task templates they use and the output bindings", () => {
    const built = (definitionOf(fan) as DynamicDefinition).expand(toLiteralMap({ n: 2 }, { n: z.int() }, "t", "input"), LOCAL_SETTINGS);
    assert.equal(built.kind, "spec");
    if (built.kind !== "spec") return;
    assert.deepEqual(built.spec.nodes.map((n) => n.id), ["dn0", "dn1"]);
    assert.deepEqual(built.spec.tasks.map((t) => t.id?.name), ["dyn_test.label"]);
    assert.equal(built.spec.minSuccesses, 2n);
    assert.deepEqual(built.spec.outputs.map((b) => b.var), ["o0"]);
  });

  test("dynamics nest, and a dynamic can map and be called from a workflow", async () => {
    const sq = task({ name: "dyn_test.sq", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x * x);
    const inner = dynamic({ name: "dyn_test.inner", inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) =>
      mapTask(sq)({ x: Array.from({ length: n }, (_, i) => i) }),
    );
    const outer = dynamic({ name: "dyn_test.outer", inputs: { n: z.int() }, outputs: z.array(z.array(z.int())) }, ({ n }) => [inner({ n }), inner({ n: n + 1 })]);
    const wf = workflow({ name: "dyn_test.wf", inputs: { n: z.int() }, outputs: z.array(z.array(z.int())) }, ({ n }) => outer({ n }));
    assert.deepEqual(await wf({ n: 2 }), [[0, 1], [0, 1, 4]]);
  });

  test("a failing inner node fails the dynamic node, naming the inner node and the cause", async () => {
    const bad = dynamic({ name: "dyn_test.bad", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => boom({ i: n }));
    await assert.rejects(bad({ n: 7 }), (err: unknown) => {
      assert.ok(err instanceof FlyteError);
      assert.match(err.message, /n0-dn0/);
      assert.match(err.message, /boom 7/);
      return true;
    });
  });

  test("an async body is rejected and points to eager()", async () => {
    const bad = dynamic({ name: "dyn_test.async", inputs: {}, outputs: z.int() }, (() => Promise.resolve(1)) as never);
    await assert.rejects(bad({}), /must be synchronous.*eager\(\)/s);
    assert.ok(create(LiteralMapSchema, {}));
  });
});
