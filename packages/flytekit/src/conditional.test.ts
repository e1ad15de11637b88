import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ComparisonExpression_Operator } from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import type { ExecutionEvent } from "@flyte/engine";
import { z } from "zod";
import { conditional } from "./conditional.ts";
import { FlyteError } from "./errors.ts";
import { runLocally } from "./local/run.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { workflowBundleOf } from "./serialize/workflow-template.ts";
import { task } from "./task.ts";
import type { WorkflowDefinition} from "./workflow.ts";
import { workflow } from "./workflow.ts";
import { definitionOf } from "./entity.ts";

const double = task({ name: "c.double", inputs: { n: z.number() }, outputs: z.number() }, ({ n }) => n * 2);
const square = task({ name: "c.square", inputs: { n: z.number() }, outputs: z.number() }, ({ n }) => n * n);
const noop = task({ name: "c.noop", inputs: { n: z.number() } }, () => undefined);
const pair = task({ name: "c.pair", inputs: { n: z.number() }, outputs: { a: z.number(), b: z.string() } }, ({ n }) => ({ a: n, b: "p" }));
const other = task({ name: "c.other", inputs: { n: z.number() }, outputs: { a: z.number(), c: z.int() } }, ({ n }) => ({ a: -n, c: 1 }));

const sized = workflow({ name: "c.sized", inputs: { x: z.number() }, outputs: z.number() }, ({ x }) =>
  conditional("size")
    .if(x.gt(0.1).and(x.lt(1.0))).then(() => double({ n: x }))
    .elif(x.gte(1.0)).then(() => square({ n: x }))
    .else().fail("the input must be positive"),
);

function wfDef(wf: unknown): WorkflowDefinition {
  return definitionOf(wf) as WorkflowDefinition;
}

async function eventsOf(wf: unknown, inputs: Record<string, unknown>): Promise<{ events: ExecutionEvent[]; result: unknown; error: unknown }> {
  const events: ExecutionEvent[] = [];
  try {
    const result = await runLocally(wfDef(wf), inputs, { events: { emit: (e) => events.push(e) } });
    return { events, result, error: undefined };
  } catch (error) {
    return { events, result: undefined, error };
  }
}

const nodePhases = (events: readonly ExecutionEvent[], nodeId: string): string[] =>
  events.filter((e) => e.kind === "node" && e.nodeId === nodeId).map((e) => e.phase);

describe("conditional() run locally", () => {
  test("the first branch whose condition holds runs and the others end SKIPPED", async () => {
    const { events, result } = await eventsOf(sized, { x: 0.5 });
    assert.equal(result, 1);
    assert.deepEqual(nodePhases(events, "n0-n0"), ["QUEUED", "RUNNING", "SUCCEEDED"]);
    assert.deepEqual(nodePhases(events, "n0-n1"), ["SKIPPED"]);
    assert.deepEqual(nodePhases(events, "n0"), ["QUEUED", "RUNNING", "SUCCEEDED"]);
  });

  test("an elif branch runs when only its condition holds", async () => {
    const { events, result } = await eventsOf(sized, { x: 3 });
    assert.equal(result, 9);
    assert.deepEqual(nodePhases(events, "n0-n0"), ["SKIPPED"]);
  });

  test("else().fail() fails the run with its message and skips every branch", async () => {
    const { events, error } = await eventsOf(sized, { x: -1 });
    assert.ok(error instanceof FlyteError);
    assert.match(error.message, /the input must be positive/);
    assert.match(error.message, /node n0/);
    assert.deepEqual(nodePhases(events, "n0-n0"), ["SKIPPED"]);
    assert.deepEqual(nodePhases(events, "n0-n1"), ["SKIPPED"]);
    assert.deepEqual(nodePhases(events, "n0").at(-1), "FAILED");
  });

  test("nested conditionals skip every node of a branch not taken, nested ones included", async () => {
    const wf = workflow({ name: "c.nested", inputs: { x: z.number(), flag: z.boolean() }, outputs: z.number() }, ({ x, flag }) =>
      conditional("outer")
        .if(flag.isTrue())
        .then(() => conditional("inner").if(x.lt(0)).then(() => double({ n: x })).else().then(() => square({ n: x })))
        .else().then(() => double({ n: x })),
    );
    const taken = await eventsOf(wf, { x: 3, flag: true });
    assert.equal(taken.result, 9);
    assert.deepEqual(nodePhases(taken.events, "n0-n0-n0"), ["SKIPPED"]);
    assert.deepEqual(nodePhases(taken.events, "n0-n0-n1").at(-1), "SUCCEEDED");
    const notTaken = await eventsOf(wf, { x: 3, flag: false });
    assert.equal(notTaken.result, 6);
    for (const id of ["n0-n0", "n0-n0-n0", "n0-n0-n1"]) assert.deepEqual(nodePhases(notTaken.events, id), ["SKIPPED"], id);
  });

  test("the outputs are those every then-branch shares, and feed later nodes", async () => {
    const wf = workflow({ name: "c.shared", inputs: { x: z.number() }, outputs: z.number() }, ({ x }) => {
      const r = conditional("pick").if(x.gt(0)).then(() => pair({ n: x })).else().then(() => other({ n: x }));
      assert.deepEqual(Object.keys(r), ["a"]);
      return double({ n: r.a });
    });
    assert.equal(await runLocally(wfDef(wf), { x: 2 }), 4);
    assert.equal(await runLocally(wfDef(wf), { x: 2 * -1 }), 4);
  });

  test("a branch without outputs makes the conditional void", () => {
    const wf = workflow({ name: "c.void", inputs: { x: z.number() } }, ({ x }) => {
      const r: unknown = conditional("v").if(x.gt(0)).then(() => noop({ n: x })).else().then(() => double({ n: x }));
      assert.throws(() => `${String(r)}`, /no outputs/);
    });
    wfDef(wf).trace();
  });
});

describe("conditional() authoring errors", () => {
  const traceError = (body: (x: never) => unknown): FlyteError => {
    const wf = workflow({ name: `c.bad${Math.random()}`, inputs: { x: z.number() } }, ({ x }) => void body(x as never));
    try {
      wfDef(wf).trace();
    } catch (error) {
      assert.ok(error instanceof FlyteError);
      return error;
    }
    assert.fail("tracing should have failed");
  };

  test("a conditional without else is an error when the body is traced", () => {
    const e = traceError((x: { gt(v: number): never }) => conditional("dangling").if(x.gt(1)).then(() => double({ n: x as never })));
    assert.equal(e.code, "E_CONDITION");
    assert.match(e.message, /conditional 'dangling' \(node n0\) has no else branch/);
  });

  test("a bare promise or a JS boolean is not a condition", () => {
    assert.match(traceError((x) => conditional("c").if(x)).message, /must compare it/);
    assert.match(traceError(() => conditional("c").if(true as never)).message, /JS boolean true/);
  });

  test("a branch must make exactly one call", () => {
    const e = traceError((x) => conditional("c").if((x as { gt(v: number): never }).gt(1)).then(() => [double({ n: x }), square({ n: x })]));
    assert.match(e.message, /exactly one call.*made 2/);
  });

  test("a constant that does not fit the promise's type is rejected", () => {
    const wf = workflow({ name: "c.badconst", inputs: { n: z.int() }, outputs: z.number() }, ({ n }) =>
      conditional("c").if(n.gt(1.5)).then(() => double({ n: 1 })).else().then(() => double({ n: 2 })),
    );
    assert.throws(() => wfDef(wf).trace(), (e: unknown) => e instanceof FlyteError && e.code === "E_CONDITION" && /1\.5/.test(e.message));
  });

  test("promises of different types cannot be compared", () => {
    const wf = workflow({ name: "c.mixed", inputs: { n: z.int(), f: z.number() }, outputs: z.number() }, ({ n, f }) =>
      conditional("c").if(n.gt(f as never)).then(() => double({ n: f })).else().then(() => double({ n: f })),
    );
    assert.throws(() => wfDef(wf).trace(), /INTEGER.*FLOAT/);
  });

  test("conditional() outside a workflow body is an error", () => {
    assert.throws(() => conditional("x"), (e: unknown) => e instanceof FlyteError && e.code === "E_NOT_IN_WORKFLOW");
  });
});

describe("conditional() in the IR", () => {
  test("one branch node holds the comparison, typed operands and the error", () => {
    const bundle = workflowBundleOf(wfDef(sized), LOCAL_SETTINGS);
    assert.equal(bundle.primary.nodes.length, 1);
    const node = bundle.primary.nodes[0]!;
    assert.equal(node.target.case, "branchNode");
    if (node.target.case !== "branchNode") return;
    const ifElse = node.target.value.ifElse!;
    assert.deepEqual(node.inputs.map((b) => b.var), ["start-node.x"]);
    const first = ifElse.case?.condition?.expr;
    assert.equal(first?.case, "conjunction");
    const elif = ifElse.other[0]?.condition?.expr;
    assert.equal(elif?.case, "comparison");
    if (elif?.case !== "comparison") return;
    assert.equal(elif.value.operator, ComparisonExpression_Operator.GTE);
    assert.deepEqual(elif.value.leftValue?.val, { case: "var", value: "start-node.x" });
    const right = elif.value.rightValue?.val;
    // 1.0 is compared as a FLOAT because x is one.
    assert.equal(right?.case === "primitive" && right.value.value.case, "floatValue");
    assert.equal(ifElse.case?.thenNode?.id, "n0-n0");
    assert.equal(ifElse.other[0]?.thenNode?.id, "n0-n1");
    assert.equal(ifElse.default.case, "error");
    assert.deepEqual(ifElse.default.case === "error" && { ...ifElse.default.value }, {
      $typeName: "flyteidl.core.Error",
      failedNodeId: "n0",
      message: "the input must be positive",
    });
  });
});
