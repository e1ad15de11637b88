import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { z } from "zod";
import { currentContext, type ExecutionParameters } from "./context.ts";
import { FlyteError } from "./errors.ts";
import { approve, sleep, waitForInput } from "./gates.ts";
import { runLocally } from "./local/run.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { workflowBundleOf } from "./serialize/workflow-template.ts";
import { definitionOf } from "./entity.ts";
import { task } from "./task.ts";
import { flyteErrorType } from "./types/index.ts";
import { workflow, WorkflowDefinition } from "./workflow.ts";

// Cacheable tasks in this file must never touch the user's cache folder.
const cacheHome = mkdtempSync(join(tmpdir(), "flytekit-cache-"));
process.env["XDG_CACHE_HOME"] = cacheHome;
after(() => rmSync(cacheHome, { recursive: true, force: true }));

const isCode = (code: string, pattern: RegExp) => (err: unknown) => err instanceof FlyteError && err.code === code && pattern.test(err.message);

const double = task({ name: "g.double", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);
const noop = task({ name: "g.noop", inputs: {} }, () => undefined);

const gated = workflow({ name: "g.gated", inputs: { n: z.int() }, outputs: [z.int(), z.int()] }, ({ n }) => {
  const extra = waitForInput("extra", { type: z.int(), timeout: "5m" });
  const d = double({ n });
  sleep(10).runsBefore(d);
  return [approve(d, "ok"), extra];
});

function wfDef(entity: unknown): WorkflowDefinition {
  const def = definitionOf(entity);
  assert.ok(def instanceof WorkflowDefinition);
  return def;
}

describe("gates", () => {
  test("compile to GateNodes with sleep, signal and approve conditions and the gate timeout as node timeout", () => {
    const nodes = workflowBundleOf(wfDef(gated), LOCAL_SETTINGS).primary.nodes;
    const gates = nodes.filter((n) => n.target.case === "gateNode").map((n) => (n.target.case === "gateNode" ? n.target.value.condition.case : ""));
    assert.deepEqual(gates.sort(), ["approve", "signal", "sleep"]);
    const signal = nodes.find((n) => n.target.case === "gateNode" && n.target.value.condition.case === "signal");
    assert.equal(signal?.target.case === "gateNode" && signal.target.value.condition.case === "signal" && signal.target.value.condition.value.outputVariableName, "o0");
    assert.equal(Number(signal?.metadata?.timeout?.seconds), 300);
    const approval = nodes.find((n) => n.target.case === "gateNode" && n.target.value.condition.case === "approve");
    assert.equal(Number(approval?.metadata?.timeout?.seconds), 3600, "the default gate timeout is one hour");
    assert.deepEqual(approval?.inputs.map((b) => b.var), ["o0"]);
  });

  test("run locally with signals given as an option", async () => {
    assert.deepEqual(await runLocally(wfDef(gated), { n: 4 }, { signals: { extra: 5, ok: true } }), [8, 5]);
  });

  test("a public call without a way to give the signal fails and says how", async () => {
    await assert.rejects(Promise.resolve(gated({ n: 1 })), isCode("E_EXECUTION_FAILED", /no value for signal 'extra'.*--signal extra=VALUE/));
  });

  test("a signal value of the wrong type fails the gate naming the signal", async () => {
    await assert.rejects(runLocally(wfDef(gated), { n: 4 }, { signals: { extra: "x", ok: true } }), isCode("E_EXECUTION_FAILED", /signal 'extra'/));
  });

  test("approve rejects workflow inputs, calls without outputs, and use outside a workflow", () => {
    assert.throws(
      () => wfDef(workflow({ name: "g.bad1", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => approve(n, "a"))).trace(),
      isCode("E_GATE", /workflow input; only outputs of nodes can be approved/),
    );
    assert.throws(
      () => wfDef(workflow({ name: "g.bad2" }, () => void approve(noop({}) as never, "a"))).trace(),
      isCode("E_GATE", /no single value to approve/),
    );
    assert.throws(() => sleep("1s"), isCode("E_NOT_IN_WORKFLOW", /inside a workflow body/));
  });

  test("two gates with one name in a workflow are an error", () => {
    const wf = workflow({ name: "g.dup" }, () => {
      waitForInput("x", { type: z.int() });
      waitForInput("x", { type: z.int() });
    });
    assert.throws(() => wfDef(wf).trace(), isCode("E_GATE", /already has a gate named 'x'/));
  });
});

describe("onFailure", () => {
  const seen: unknown[] = [];
  const handler = task({ name: "g.handler", inputs: { n: z.int(), err: flyteErrorType().optional() } }, ({ n, err }) => {
    seen.push({ n, err });
  });
  const boom = task({ name: "g.boom", inputs: { n: z.int() }, outputs: z.int() }, () => {
    throw new Error("boom!");
  });

  test("runs with the workflow's inputs and the error, and the call still rejects with the original error", async () => {
    const wf = workflow({ name: "g.failing", inputs: { n: z.int() }, outputs: z.int(), onFailure: handler }, ({ n }) => boom({ n }));
    await assert.rejects(Promise.resolve(wf({ n: 3 })), isCode("E_EXECUTION_FAILED", /node n0 \(task 'g.boom'\).*boom!/));
    assert.equal(seen.length, 1);
    const { n, err } = seen[0] as { n: number; err: { failedNodeId: string; message: string } };
    assert.equal(n, 3);
    assert.equal(err.failedNodeId, "n0");
    assert.match(err.message, /boom!/);
  });

  test("is serialized as the template's failure node fn0 bound to the workflow inputs", () => {
    const wf = workflow({ name: "g.failing2", inputs: { n: z.int() }, outputs: z.int(), onFailure: handler }, ({ n }) => boom({ n }));
    const template = workflowBundleOf(wfDef(wf), LOCAL_SETTINGS).primary;
    assert.equal(template.failureNode?.id, "fn0");
    assert.deepEqual(template.failureNode?.inputs.map((b) => b.var), ["n", "err"]);
    assert.equal(template.failureNode?.inputs[0]?.binding?.value.case === "promise" && template.failureNode.inputs[0].binding.value.value.nodeId, "start-node");
  });

  test("a handler whose inputs do not match the workflow's is rejected at definition", () => {
    const wrong = task({ name: "g.wrong", inputs: { n: z.string(), extra: z.int() } }, () => undefined);
    assert.throws(
      () => workflow({ name: "g.mismatch", inputs: { n: z.int() }, onFailure: wrong }, () => undefined),
      isCode("E_FAILURE_HANDLER_INPUTS", /input 'n' is .*STRING.*input 'extra' is not an input of the workflow/s),
    );
    const badErr = task({ name: "g.badErr", inputs: { n: z.int(), err: z.string() } }, () => undefined);
    assert.throws(
      () => workflow({ name: "g.mismatch2", inputs: { n: z.int() }, onFailure: badErr }, () => undefined),
      isCode("E_FAILURE_HANDLER_INPUTS", /'err' must be declared as flyteErrorType\(\)/),
    );
  });

  test("failurePolicy FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets independent nodes finish through the SDK", async () => {
    const ran: string[] = [];
    const slow = task({ name: "g.slow", inputs: { n: z.int() } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ran.push("slow");
    });
    const make = (failurePolicy: "FAIL_IMMEDIATELY" | "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE") =>
      workflow({ name: `g.policy.${failurePolicy}`, inputs: { n: z.int() }, failurePolicy }, ({ n }) => {
        slow({ n });
        boom({ n });
      });
    await assert.rejects(Promise.resolve(make("FAIL_IMMEDIATELY")({ n: 1 })));
    assert.deepEqual(ran, [], "the run failed without waiting for the slow node");
    await new Promise((resolve) => setTimeout(resolve, 40)); // the aborted function still ends; let it
    ran.length = 0;
    await assert.rejects(Promise.resolve(make("FAIL_AFTER_EXECUTABLE_NODES_COMPLETE")({ n: 1 })), isCode("E_EXECUTION_FAILED", /boom!/));
    assert.deepEqual(ran, ["slow"]);
  });
});

describe("currentContext()", () => {
  test("inside a task gives the execution, node, attempt and task name", async () => {
    let seen: ExecutionParameters | undefined;
    const t = task({ name: "g.ctx", inputs: { a: z.int() }, outputs: z.int() }, async ({ a }) => {
      await Promise.resolve();
      seen = currentContext();
      return a;
    });
    const wf = workflow({ name: "g.ctxwf", outputs: z.int() }, () => double({ n: t({ a: 1 }) }));
    assert.equal(await wf({}), 2);
    assert.equal(seen?.nodeId, "n0");
    assert.equal(seen?.retryAttempt, 0);
    assert.equal(seen?.taskName, "g.ctx");
    assert.match(seen?.executionId ?? "", /^l[0-9a-f]+$/);
    assert.equal(typeof seen?.logger.info, "function");
  });

  test("outside a task throws a FlyteError that says where to call it", () => {
    assert.throws(() => currentContext(), isCode("E_NOT_IN_TASK", /outside a running task/));
  });
});

describe("caching in local runs", () => {
  test("a cacheable task runs once per input across calls; withOverrides can switch caching on", async () => {
    let calls = 0;
    const cached = task({ name: "g.cached", inputs: { n: z.int() }, outputs: z.int(), cache: true }, ({ n }) => {
      calls++;
      return n + 1;
    });
    assert.equal(await cached({ n: 1 }), 2);
    assert.equal(await cached({ n: 1 }), 2);
    assert.equal(calls, 1);
    let plain = 0;
    const uncached = task({ name: "g.uncached", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
      plain++;
      return n;
    });
    const wf = workflow({ name: "g.override", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => uncached({ n }).withOverrides({ cache: true }));
    await wf({ n: 5 });
    await wf({ n: 5 });
    assert.equal(plain, 1);
    const node = workflowBundleOf(wfDef(wf), LOCAL_SETTINGS).primary.nodes[0];
    assert.equal(node?.metadata?.cacheableValue.value, true);
    assert.notEqual(node?.metadata?.cacheVersionValue.value, undefined);
  });
});
