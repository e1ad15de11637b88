import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ExecutionEvent } from "../runtime/events.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { FunctionRunner, sleep } from "./testing/function-runner.ts";
import { intMap } from "./testing/literals.ts";

/** Lets pending promise callbacks run (the fake clock does not advance real time). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("Engine enforces per-attempt timeouts", () => {
  test("a timed-out attempt has its signal aborted and the node ends TIMED_OUT", async () => {
    const clock = new FakeClock();
    const signals: AbortSignal[] = [];
    const events: ExecutionEvent[] = [];
    const runner = new FunctionRunner({
      slow: async (_inputs, request) => {
        signals.push(request.signal);
        await new Promise(() => undefined); // never finishes on its own
        return intMap({});
      },
    });
    const closure = buildClosure({ tasks: [{ name: "slow", timeoutMs: 5_000 }], nodes: [{ id: "n0", task: "slow" }] });
    const pending = new Engine({ runner, clock, events: { emit: (e) => events.push(e) } }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    await settle();
    assert.equal(signals.length, 1);
    clock.advance(4_999);
    assert.equal(signals[0]?.aborted, false);
    clock.advance(1);
    const result = await pending;
    assert.equal(signals[0]?.aborted, true);
    assert.equal(result.phase, "TIMED_OUT");
    if (result.phase !== "TIMED_OUT") return;
    assert.equal(result.error.code, "USER:Timeout");
    assert.equal(result.error.nodeId, "n0");
    assert.equal(result.error.taskName, "slow");
    const nodePhases = events.filter((e) => e.kind === "node").map((e) => e.phase);
    assert.deepEqual(nodePhases, ["QUEUED", "RUNNING", "TIMED_OUT"]);
    assert.equal(clock.pendingTimers, 0);
  });

  test("a timeout is retried on the task's retries, and a later attempt may succeed", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const runner = new FunctionRunner({
      slow: async () => {
        calls++;
        if (calls === 1) await new Promise(() => undefined);
        return intMap({ o0: calls });
      },
    });
    const closure = buildClosure({
      tasks: [{ name: "slow", timeoutMs: 1_000, retries: 1 }],
      nodes: [{ id: "n0", task: "slow" }],
      outputs: { o0: ref("n0", "o0") },
    });
    const pending = new Engine({ runner, clock }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    await settle();
    clock.advance(1_000);
    const result = await pending;
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(calls, 2);
    assert.equal(clock.pendingTimers, 0, "the successful attempt's timer is cancelled");
  });

  test("the node's timeout overrides the task's", async () => {
    const runner = new FunctionRunner({
      slow: async (_inputs, request) => {
        await sleep(5_000, request.signal);
        return intMap({});
      },
    });
    const closure = buildClosure({ tasks: [{ name: "slow", timeoutMs: 60_000 }], nodes: [{ id: "n0", task: "slow", timeoutMs: 20 }] });
    const started = Date.now();
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "TIMED_OUT");
    assert.ok(Date.now() - started < 2_000);
  });
});
