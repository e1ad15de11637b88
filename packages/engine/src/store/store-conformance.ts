/**
 * The behaviour every {@link StateStore} must have, as node:test tests. Each store's test file
 * calls {@link storeConformance} with a factory; the memory store runs it now, the SQLite and
 * PostgreSQL stores will run the same suite.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { NodeExecutionEvent, TaskExecutionEvent } from "../runtime/events.ts";
import type { NodeExecutionPhase, TaskExecutionPhase } from "../runtime/phases.ts";
import { ARRAY_ITEM_PHASES } from "./array-items.ts";
import type { NewExecution, StateStore } from "./state-store.ts";
import { isStoreError, type StoreErrorCode } from "./store-error.ts";

/** Makes a fresh, empty store for one test; may be async (a database file, a schema). */
export type StoreFactory = () => StateStore | Promise<StateStore>;

/**
 * Registers the conformance tests for a store implementation under `describe(name)`.
 *
 * @example
 * storeConformance("MemoryStore", () => new MemoryStore());
 */
export function storeConformance(name: string, factory: StoreFactory): void {
  describe(`${name} conforms to the StateStore contract`, () => {
    test("a created execution is readable, UNDEFINED, with its closure and inputs", async () => {
      const store = await factory();
      const execution = newExecution("e1", 100);
      await store.createExecution(execution);
      const record = await store.getExecution("e1");
      assert.ok(record);
      assert.equal(record.phase, "UNDEFINED");
      assert.equal(record.createdAt, 100);
      assert.equal(record.updatedAt, 100);
      assert.equal(record.startedAt, undefined);
      assert.deepEqual(record.inputs, execution.inputs);
      assert.deepEqual(record.closure, execution.closure);
    });

    test("creating an execution with a taken id is refused", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await expectStoreError(() => store.createExecution(newExecution("e1")), "E_EXECUTION_EXISTS");
    });

    test("unknown executions and nodes read as absent or empty", async () => {
      const store = await factory();
      assert.equal(await store.getExecution("nope"), undefined);
      assert.equal(await store.getNodeExecution("nope", "n0"), undefined);
      assert.deepEqual(await store.listNodeExecutions("nope"), []);
      assert.deepEqual(await store.listTaskExecutions("nope", "n0"), []);
      assert.equal(await store.getNodeOutputs("nope", "n0"), undefined);
    });

    test("workflow events set the phase, start and end times, and the outputs", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1", 1));
      const outputs = literalMap("o0", 7);
      await store.record([
        { kind: "workflow", executionId: "e1", phase: "QUEUED", occurredAt: 2 },
        { kind: "workflow", executionId: "e1", phase: "RUNNING", occurredAt: 3 },
      ]);
      assert.equal((await store.getExecution("e1"))?.phase, "RUNNING");
      await store.record([{ kind: "workflow", executionId: "e1", phase: "SUCCEEDED", occurredAt: 9, outputs }]);
      const record = await store.getExecution("e1");
      assert.equal(record?.phase, "SUCCEEDED");
      assert.equal(record?.startedAt, 3);
      assert.equal(record?.endedAt, 9);
      assert.equal(record?.updatedAt, 9);
      assert.deepEqual(record?.outputs, outputs);
    });

    test("a failed execution keeps its error", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const error = { code: "USER:ValueError", kind: "USER", message: "bad", nodeId: "n0", taskName: "t" } as const;
      await store.record([
        { kind: "workflow", executionId: "e1", phase: "RUNNING", occurredAt: 1 },
        { kind: "workflow", executionId: "e1", phase: "FAILED", occurredAt: 2, error },
      ]);
      assert.deepEqual((await store.getExecution("e1"))?.error, error);
    });

    test("node events fold into one node record with inputs, outputs and timings", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const inputs = literalMap("a", 1);
      const outputs = literalMap("o0", 2);
      await store.record([
        nodeEvent("n0", "QUEUED", 10),
        { ...nodeEvent("n0", "RUNNING", 11), inputs },
      ]);
      const running = await store.getNodeExecution("e1", "n0");
      assert.equal(running?.phase, "RUNNING");
      assert.equal(running?.createdAt, 10);
      assert.equal(running?.startedAt, 11);
      assert.equal(running?.endedAt, undefined);
      assert.equal(await store.getNodeOutputs("e1", "n0"), undefined, "no outputs before SUCCEEDED");
      await store.record([{ ...nodeEvent("n0", "SUCCEEDED", 15), outputs }]);
      const done = await store.getNodeExecution("e1", "n0");
      assert.equal(done?.phase, "SUCCEEDED");
      assert.equal(done?.endedAt, 15);
      assert.deepEqual(done?.inputs, inputs);
      assert.deepEqual(done?.outputs, outputs);
      assert.deepEqual(await store.getNodeOutputs("e1", "n0"), outputs);
    });

    test("a failed node keeps its error and has no outputs to bind", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const error = { code: "USER:Boom", kind: "USER", message: "boom", nodeId: "n0" } as const;
      await store.record([nodeEvent("n0", "RUNNING", 1), { ...nodeEvent("n0", "FAILED", 2), error }]);
      assert.deepEqual((await store.getNodeExecution("e1", "n0"))?.error, error);
      assert.equal(await store.getNodeOutputs("e1", "n0"), undefined);
    });

    test("node executions are listed in the order they were first recorded", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await store.record([nodeEvent("n2", "QUEUED", 1), nodeEvent("n0", "QUEUED", 2), nodeEvent("n1", "QUEUED", 3)]);
      await store.record([nodeEvent("n0", "RUNNING", 4)]);
      const ids = (await store.listNodeExecutions("e1")).map((n) => n.nodeId);
      assert.deepEqual(ids, ["n2", "n0", "n1"]);
    });

    test("task events make one record per attempt and count the node's attempts", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const failure = { code: "USER:Flaky", message: "try again", kind: "USER", recoverable: true } as const;
      await store.record([
        nodeEvent("n0", "RUNNING", 1),
        taskEvent("n0", 0, "RUNNING", 1),
        { ...taskEvent("n0", 0, "RETRYABLE_FAILED", 2), error: failure },
        taskEvent("n0", 1, "RUNNING", 3),
        taskEvent("n0", 1, "SUCCEEDED", 5),
      ]);
      const attempts = await store.listTaskExecutions("e1", "n0");
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.phase, a.taskName, a.startedAt, a.endedAt]),
        [
          [0, "RETRYABLE_FAILED", "t", 1, 2],
          [1, "SUCCEEDED", "t", 3, 5],
        ],
      );
      assert.deepEqual(attempts[0]?.error, failure);
      assert.equal((await store.getNodeExecution("e1", "n0"))?.attempts, 2);
    });

    test("events for an unknown execution are refused and none of the batch is applied", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await expectStoreError(
        () => store.record([nodeEvent("n0", "QUEUED", 1), { ...nodeEvent("n0", "QUEUED", 1), executionId: "other" }]),
        "E_EXECUTION_NOT_FOUND",
      );
      assert.equal(await store.getNodeExecution("e1", "n0"), undefined);
    });

    test("events after the execution ended are refused, also within one batch", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await expectStoreError(
        () =>
          store.record([
            { kind: "workflow", executionId: "e1", phase: "ABORTED", occurredAt: 1 },
            nodeEvent("n0", "RUNNING", 2),
          ]),
        "E_EXECUTION_TERMINAL",
      );
      assert.equal((await store.getExecution("e1"))?.phase, "UNDEFINED", "the refused batch left no trace");
      await store.record([{ kind: "workflow", executionId: "e1", phase: "SUCCEEDED", occurredAt: 3, outputs: literalMap("o", 1) }]);
      await expectStoreError(
        () => store.record([{ kind: "workflow", executionId: "e1", phase: "FAILED", occurredAt: 4 }]),
        "E_EXECUTION_TERMINAL",
      );
      assert.equal((await store.getExecution("e1"))?.phase, "SUCCEEDED");
    });

    test("an attempt needs its node recorded first, earlier in the same batch at the latest", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await expectStoreError(() => store.record([taskEvent("n0", 0, "RUNNING", 1)]), "E_NODE_NOT_FOUND");
      await store.record([nodeEvent("n0", "RUNNING", 1), taskEvent("n0", 0, "RUNNING", 1)]);
      assert.equal((await store.listTaskExecutions("e1", "n0")).length, 1);
    });

    test("array items fold into their array node's summary; only items that failed get records", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const flaky = { code: "USER:Flaky", message: "try again", kind: "USER", recoverable: true } as const;
      await store.record([
        nodeEvent("a0", "RUNNING", 1),
        itemEvent(0, "RUNNING", 2),
        itemTask(0, 0, "RUNNING", 2),
        itemTask(0, 0, "SUCCEEDED", 3),
        itemEvent(0, "SUCCEEDED", 3),
        itemEvent(1, "RUNNING", 4),
        itemEvent(2, "RUNNING", 4),
        itemTask(2, 0, "RUNNING", 4),
        { ...itemTask(2, 0, "RETRYABLE_FAILED", 5), error: flaky },
      ]);
      // A later batch: the item with a record keeps it, the others stay summarized.
      await store.record([itemTask(2, 1, "RUNNING", 6), itemTask(2, 1, "SUCCEEDED", 7), itemEvent(2, "SUCCEEDED", 7)]);
      const items = (await store.getNodeExecution("e1", "a0"))?.arrayItems;
      assert.ok(items);
      assert.equal(items.count, 4);
      assert.deepEqual(Array.from(items.phases, (code) => ARRAY_ITEM_PHASES[code]), ["SUCCEEDED", "RUNNING", "SUCCEEDED", "UNDEFINED"]);
      assert.deepEqual(Array.from(items.attempts), [1, 0, 2, 0]);
      assert.deepEqual(items.phaseCounts, { SUCCEEDED: 2, RUNNING: 1, UNDEFINED: 1 });
      assert.deepEqual((await store.listNodeExecutions("e1")).map((n) => n.nodeId), ["a0", "a0-2"]);
      assert.equal(await store.getNodeExecution("e1", "a0-0"), undefined);
      assert.deepEqual(await store.listTaskExecutions("e1", "a0-0"), []);
      const retried = await store.getNodeExecution("e1", "a0-2");
      assert.equal(retried?.phase, "SUCCEEDED");
      assert.equal(retried?.attempts, 2);
      assert.equal(retried?.startedAt, 5, "the record starts at the item's first failure");
      const attempts = await store.listTaskExecutions("e1", "a0-2");
      assert.deepEqual(attempts.map((a) => [a.attempt, a.phase]), [[0, "RETRYABLE_FAILED"], [1, "SUCCEEDED"]]);
      assert.deepEqual(attempts[0]?.error, flaky);
    });

    test("a failed array item keeps its error, readable by its id", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      const failure = { code: "USER:Boom", message: "boom", kind: "USER", recoverable: false } as const;
      const error = { code: "USER:Boom", kind: "USER", message: "Attempt 1 failed with USER:Boom: boom", nodeId: "a0-3" } as const;
      await store.record([nodeEvent("a0", "RUNNING", 1), itemEvent(3, "RUNNING", 2), itemTask(3, 0, "RUNNING", 2)]);
      await store.record([{ ...itemTask(3, 0, "FAILED", 4), error: failure }, { ...itemEvent(3, "FAILED", 4), error }]);
      const item = await store.getNodeExecution("e1", "a0-3");
      assert.equal(item?.phase, "FAILED");
      assert.deepEqual(item?.error, error);
      assert.equal(item?.endedAt, 4);
      assert.deepEqual((await store.listTaskExecutions("e1", "a0-3")).map((a) => [a.attempt, a.phase, a.error]), [[0, "FAILED", failure]]);
      assert.deepEqual((await store.getNodeExecution("e1", "a0"))?.arrayItems?.phaseCounts, { FAILED: 1, UNDEFINED: 3 });
    });

    test("an array item needs its array node recorded first, and an index below the item count", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await expectStoreError(() => store.record([itemEvent(0, "RUNNING", 1)]), "E_NODE_NOT_FOUND");
      await expectStoreError(() => store.record([nodeEvent("a0", "RUNNING", 1), itemEvent(4, "RUNNING", 1)]), "E_ITEM_OUT_OF_RANGE");
      assert.equal(await store.getNodeExecution("e1", "a0"), undefined, "the refused batch left no trace");
      await store.record([nodeEvent("a0", "RUNNING", 1), itemEvent(0, "RUNNING", 1)]);
      assert.equal((await store.getNodeExecution("e1", "a0"))?.arrayItems?.phaseCounts.RUNNING, 1);
    });

    test("executions are isolated from each other", async () => {
      const store = await factory();
      await store.createExecution(newExecution("e1"));
      await store.createExecution(newExecution("e2"));
      await store.record([nodeEvent("n0", "QUEUED", 1)]);
      assert.equal((await store.listNodeExecutions("e1")).length, 1);
      assert.deepEqual(await store.listNodeExecutions("e2"), []);
    });
  });
}

async function expectStoreError(action: () => unknown, code: StoreErrorCode): Promise<void> {
  await assert.rejects(
    async () => {
      await action();
    },
    (error: unknown) => isStoreError(error) && error.code === code,
  );
}

function newExecution(executionId: string, createdAt = 0): NewExecution {
  return {
    executionId,
    closure: create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } }),
    inputs: literalMap("x", 42),
    createdAt,
  };
}

function literalMap(name: string, value: number): LiteralMap {
  return create(LiteralMapSchema, {
    literals: {
      [name]: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } } } } },
    },
  });
}

function nodeEvent(nodeId: string, phase: NodeExecutionPhase, occurredAt: number): NodeExecutionEvent {
  return { kind: "node", executionId: "e1", nodeId, phase, occurredAt };
}

function taskEvent(nodeId: string, attempt: number, phase: TaskExecutionPhase, occurredAt: number): TaskExecutionEvent {
  return { kind: "task", executionId: "e1", nodeId, taskName: "t", attempt, phase, occurredAt };
}

/** An event of item `index` of the 4-item array node a0. */
function itemEvent(index: number, phase: NodeExecutionPhase, occurredAt: number): NodeExecutionEvent {
  return { ...nodeEvent(`a0-${index}`, phase, occurredAt), arrayItem: { arrayNodeId: "a0", index, count: 4 } };
}

function itemTask(index: number, attempt: number, phase: TaskExecutionPhase, occurredAt: number): TaskExecutionEvent {
  return { ...taskEvent(`a0-${index}`, attempt, phase, occurredAt), arrayItem: { arrayNodeId: "a0", index, count: 4 } };
}

