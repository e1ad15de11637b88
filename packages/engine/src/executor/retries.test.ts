import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TaskFailure } from "../runtime/errors.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FunctionRunner, TaskFailureError } from "./testing/function-runner.ts";
import { intMap, intsOf } from "./testing/literals.ts";

const recoverableUser: TaskFailure = { code: "USER:Flaky", message: "try again", kind: "USER", recoverable: true };
const recoverableSystem: TaskFailure = { code: "SYSTEM:Lost", message: "worker lost", kind: "SYSTEM", recoverable: true };

/** A one-node workflow whose task fails with the given failures, in order, then succeeds. */
function flaky(failures: readonly TaskFailure[], options: { taskRetries?: number; nodeRetries?: number } = {}) {
  let calls = 0;
  const runner = new FunctionRunner({
    t: () => {
      const failure = failures[calls++];
      if (failure !== undefined) throw new TaskFailureError(failure);
      return intMap({ o0: calls });
    },
  });
  const closure = buildClosure({
    tasks: [{ name: "t", ...(options.taskRetries === undefined ? {} : { retries: options.taskRetries }) }],
    nodes: [{ id: "n0", task: "t", ...(options.nodeRetries === undefined ? {} : { retries: options.nodeRetries }) }],
    outputs: { o0: ref("n0", "o0") },
  });
  return { runner, closure, calls: () => calls };
}

describe("Engine retries recoverable failures", () => {
  test("a recoverable user failure is retried and the later attempt's outputs win", async () => {
    const { runner, closure } = flaky([recoverableUser, recoverableUser], { taskRetries: 2 });
    const store = new MemoryStore();
    const result = await new Engine({ runner, store }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 3n });
    assert.deepEqual(runner.calls.map((c) => c.attempt), [0, 1, 2]);
    assert.deepEqual(store.listTaskExecutions("e1", "n0").map((t) => t.phase), ["RETRYABLE_FAILED", "RETRYABLE_FAILED", "SUCCEEDED"]);
    assert.equal(store.getNodeExecution("e1", "n0")?.attempts, 3);
  });

  test("retries stop at the task's limit and the node fails with the last error", async () => {
    const { runner, closure, calls } = flaky([recoverableUser, recoverableUser, recoverableUser], { taskRetries: 2 });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(calls(), 3);
    assert.equal(result.phase, "FAILED");
    if (result.phase !== "FAILED") return;
    assert.equal(result.error.code, "USER:Flaky");
    assert.equal(result.error.kind, "USER");
    assert.match(result.error.message, /Attempt 3 failed.*try again.*retries exhausted/);
  });

  test("node retries override the task's retries", async () => {
    const { runner, closure, calls } = flaky([recoverableUser, recoverableUser], { taskRetries: 0, nodeRetries: 1 });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    assert.equal(calls(), 2);
  });

  test("a non-recoverable failure fails at once even with retries left", async () => {
    const fatal: TaskFailure = { code: "USER:ValueError", message: "bad input", kind: "USER", recoverable: false };
    const { runner, closure, calls } = flaky([fatal], { taskRetries: 5 });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(calls(), 1);
    assert.equal(result.phase, "FAILED");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /not recoverable/);
  });

  test("recoverable system failures use their own budget, not the task's retries", async () => {
    const { runner, closure, calls } = flaky([recoverableSystem, recoverableSystem, recoverableSystem], { taskRetries: 0 });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED", "three system failures fit the default budget of 3");
    assert.equal(calls(), 4);
  });

  test("the system budget is finite and configurable", async () => {
    const { runner, closure, calls } = flaky([recoverableSystem, recoverableSystem], { taskRetries: 5 });
    const result = await new Engine({ runner, systemRetries: 1 }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(calls(), 2);
    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.kind, "SYSTEM");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /system retries exhausted/);
  });

  test("system failures do not consume the user budget", async () => {
    const { runner, closure, calls } = flaky([recoverableSystem, recoverableUser, recoverableSystem, recoverableUser], { taskRetries: 2 });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(calls(), 5);
  });

  test("a runner that throws counts as a recoverable system failure", async () => {
    let calls = 0;
    const runner = {
      run: () => {
        calls++;
        if (calls === 1) throw new Error("connection reset");
        return Promise.resolve({ kind: "success" as const, outputs: intMap({ o0: 1 }) });
      },
    };
    const { closure } = flaky([]);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(calls, 2);
  });
});
