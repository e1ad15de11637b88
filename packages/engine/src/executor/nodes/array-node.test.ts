import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BindingDataSchema, LiteralSchema, type BindingData, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { Engine } from "../engine.ts";
import { buildClosure, ref } from "../testing/closures.ts";
import { FunctionRunner, sleep, TaskFailureError } from "../testing/function-runner.ts";
import { intLiteral, intMap, intOf } from "../testing/literals.ts";
import type { TaskRunRequest, TaskRunResult, TaskRunner } from "../../runtime/task-runner.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import { ARRAY_ITEM_PHASES } from "../../store/array-items.ts";
import { MemoryStore } from "../../store/memory-store.ts";
import { MemoryCatalog } from "../../runtime/catalog.ts";
import { START_SLICE } from "./array-node.ts";

function ints(values: readonly number[]): BindingData {
  const bindings = values.map((v) => {
    const literal = intLiteral(v);
    assert.equal(literal.value.case, "scalar");
    return create(BindingDataSchema, { value: { case: "scalar", value: literal.value.value } });
  });
  return create(BindingDataSchema, { value: { case: "collection", value: { bindings } } });
}

/** A workflow with one array node a0 over task `task`, mapping input x. */
function arrayClosure(values: readonly number[], options: { parallelism?: number; minSuccessRatio?: number; task?: string; retries?: number; binding?: BindingData } = {}) {
  const task = options.task ?? "inc";
  const binding = options.binding ?? ints(values);
  return buildClosure({
    tasks: [{ name: task, ...(options.retries === undefined ? {} : { retries: options.retries }) }],
    nodes: [],
    outputs: { o0: ref("a0", "o0") },
    rawNodes: [
      {
        id: "a0",
        upstreamNodeIds: ["start-node"],
        inputs: [{ var: "x", binding }],
        target: {
          case: "arrayNode",
          value: {
            node: {
              id: "a0",
              inputs: [{ var: "x", binding }],
              target: { case: "taskNode", value: { reference: { case: "referenceId", value: { resourceType: ResourceType.TASK, project: "p", domain: "d", name: task, version: "v1" } } } },
            },
            parallelismOption: { case: "parallelism", value: options.parallelism ?? 0 },
            successCriteria: { case: "minSuccessRatio", value: options.minSuccessRatio ?? 1 },
          },
        },
      },
    ],
  });
}

const listOf = (outputs: LiteralMap): (bigint | null)[] => {
  const v = outputs.literals["o0"]?.value;
  assert.equal(v?.case, "collection");
  return v.value.literals.map((l) => (l.value.case === "scalar" && l.value.value.value.case === "noneType" ? null : intOf(l)));
};

describe("array nodes", () => {
  test("run the inner task once per item and collect the outputs in item order", async () => {
    const result = await new Engine({ runner: new FunctionRunner({ inc: (i) => intMap({ o0: intOf(i.literals["x"]) + 1n }) }) }).execute({
      executionId: "e1",
      closure: arrayClosure([5, 6, 7]),
      inputs: intMap({}),
    });
    assert.equal(result.phase, "SUCCEEDED");
    if (result.phase === "SUCCEEDED") assert.deepEqual(listOf(result.outputs), [6n, 7n, 8n]);
  });

  test("never run more items at once than the parallelism, and name items <node>-<i>", async () => {
    let running = 0;
    let peak = 0;
    const runner = new FunctionRunner({
      inc: async (i) => {
        peak = Math.max(peak, ++running);
        await sleep(1);
        running--;
        return intMap({ o0: intOf(i.literals["x"]) });
      },
    });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure([1, 2, 3, 4, 5, 6], { parallelism: 2 }), inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(peak, 2);
    assert.deepEqual(runner.calls.map((c) => c.nodeId), ["a0-0", "a0-1", "a0-2", "a0-3", "a0-4", "a0-5"]);
  });

  test("fill failed items with none when the success ratio allows, and fail naming them when it does not", async () => {
    const failOdd = new FunctionRunner({
      inc: (i) => {
        const x = intOf(i.literals["x"]);
        if (x % 2n === 1n) throw new TaskFailureError({ code: "USER:Odd", message: `odd ${x}`, kind: "USER", recoverable: false });
        return intMap({ o0: x });
      },
    });
    const lenient = await new Engine({ runner: failOdd }).execute({ executionId: "e1", closure: arrayClosure([1, 2, 4], { minSuccessRatio: 0.5 }), inputs: intMap({}) });
    assert.equal(lenient.phase, "SUCCEEDED");
    if (lenient.phase === "SUCCEEDED") assert.deepEqual(listOf(lenient.outputs), [null, 2n, 4n]);

    const strict = await new Engine({ runner: failOdd }).execute({ executionId: "e2", closure: arrayClosure([2, 1, 3, 4], { minSuccessRatio: 0.75 }), inputs: intMap({}) });
    assert.equal(strict.phase, "FAILED");
    if (strict.phase !== "FAILED") return;
    assert.equal(strict.error.code, "USER:ArrayNodeFailed");
    assert.match(strict.error.message, /2 of 4 items failed \(items 1, 2\); at least 3 had to succeed/);
    assert.match(strict.error.message, /odd 1/);
  });

  test("stream items: a long map keeps no more than the window in flight", async () => {
    let running = 0;
    let peak = 0;
    const runner: TaskRunner = {
      run(request: TaskRunRequest): Promise<TaskRunResult> {
        peak = Math.max(peak, ++running);
        return Promise.resolve().then(() => {
          running--;
          return { kind: "success", outputs: intMap({ o0: intOf(request.inputs.literals["x"]) }) };
        });
      },
    };
    const values = Array.from({ length: 5000 }, (_, i) => i);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure(values, { parallelism: 7 }), inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(peak, 7);
  });

  test("a large map starts its items a slice per turn: the first slice is with the runner before the rest start", async () => {
    // The server commits each turn's writes together and hands an attempt out only once its enqueue
    // committed: started in one turn, no item of a 1,000-item map ran before all were started.
    let calls = 0;
    let firstBurst: number | undefined;
    const runner: TaskRunner = {
      run(request: TaskRunRequest): Promise<TaskRunResult> {
        // Runs once the synchronous start that made this call has returned: counts that burst.
        if (++calls === 1) queueMicrotask(() => (firstBurst = calls));
        return new Promise((resolve) => setImmediate(() => resolve({ kind: "success", outputs: intMap({ o0: intOf(request.inputs.literals["x"]) }) })));
      },
    };
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure(values), inputs: intMap({}) });
    assert.equal(firstBurst, START_SLICE);
    assert.equal(calls, 1000);
    assert.equal(result.phase, "SUCCEEDED");
    if (result.phase === "SUCCEEDED") assert.deepEqual(listOf(result.outputs), values.map(BigInt));
  });

  test("a map terminated between slices starts no further slice", async () => {
    const controller = new AbortController();
    let calls = 0;
    const runner: TaskRunner = {
      run(request: TaskRunRequest): Promise<TaskRunResult> {
        // Terminated once the first slice is with the runner, before the next one is due.
        if (++calls === 1) queueMicrotask(() => controller.abort());
        return new Promise((resolve) =>
          request.signal.addEventListener("abort", () => resolve({ kind: "failure", error: { code: "USER:Aborted", kind: "USER", message: "aborted", recoverable: false } }), { once: true }),
        );
      },
    };
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure: arrayClosure(values), inputs: intMap({}), signal: controller.signal });
    assert.equal(result.phase, "ABORTED");
    // The slice that was due two turns later would have found the node done.
    await new Promise((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
    assert.equal(calls, START_SLICE);
  });

  describe("compact item state", () => {
    /** Fails odd inputs (non-recoverably); the first attempt of inputs divisible by 3 fails recoverably. */
    const picky = (): FunctionRunner =>
      new FunctionRunner({
        inc: (i, request) => {
          const x = intOf(i.literals["x"]);
          if (x % 2n === 1n) throw new TaskFailureError({ code: "USER:Odd", message: `odd ${x}`, kind: "USER", recoverable: false });
          if (x % 3n === 0n && request.attempt === 0) throw new TaskFailureError({ code: "USER:Flaky", message: `flaky ${x}`, kind: "USER", recoverable: true });
          return intMap({ o0: x });
        },
      });

    test("items are counted per phase on the array node, with attempts, and not recorded one by one", async () => {
      const store = new MemoryStore();
      const values = [2, 1, 6, 4, 3, 8];
      const result = await new Engine({ runner: picky(), store }).execute({
        executionId: "e1",
        closure: arrayClosure(values, { minSuccessRatio: 0.5, retries: 1 }),
        inputs: intMap({}),
      });
      assert.equal(result.phase, "SUCCEEDED");
      if (result.phase === "SUCCEEDED") assert.deepEqual(listOf(result.outputs), [2n, null, 6n, 4n, null, 8n]);
      const items = store.getNodeExecution("e1", "a0")?.arrayItems;
      assert.ok(items);
      assert.equal(items.count, 6);
      assert.deepEqual(Array.from(items.phases, (code) => ARRAY_ITEM_PHASES[code]), ["SUCCEEDED", "FAILED", "SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED"]);
      // Odd items fail for good (USER, not recoverable) on attempt 1; item 2 (x = 6) needed a retry.
      assert.deepEqual(Array.from(items.attempts), [1, 1, 2, 1, 1, 1]);
      assert.deepEqual(items.phaseCounts, { SUCCEEDED: 4, FAILED: 2 });
      // Only the items that saw a failure have records of their own.
      assert.deepEqual(store.listNodeExecutions("e1").map((n) => n.nodeId).filter((id) => id.startsWith("a0-")).sort(), ["a0-1", "a0-2", "a0-4"]);
    });

    test("a failed item stays diagnosable by its index: error, attempts and the array node's message", async () => {
      const store = new MemoryStore();
      const result = await new Engine({ runner: picky(), store }).execute({ executionId: "e1", closure: arrayClosure([2, 4, 7, 8]), inputs: intMap({}) });
      assert.equal(result.phase, "FAILED");
      if (result.phase !== "FAILED") return;
      assert.match(result.error.message, /1 of 4 items failed \(items 2\).*First failure \(item 2\): .*odd 7/);
      const item = store.getNodeExecution("e1", "a0-2");
      assert.equal(item?.phase, "FAILED");
      assert.equal(item?.error?.code, "USER:Odd");
      assert.equal(item?.error?.nodeId, "a0-2");
      assert.match(item?.error?.message ?? "", /odd 7/);
      assert.deepEqual(store.listTaskExecutions("e1", "a0-2").map((a) => [a.attempt, a.phase, a.error?.code]), [[0, "FAILED", "USER:Odd"]]);
      assert.equal(store.getNodeExecution("e1", "a0")?.arrayItems?.phases[2], ARRAY_ITEM_PHASES.indexOf("FAILED"));
    });

    test("item events carry their index, and never more than the window run at once", async () => {
      const events: ExecutionEvent[] = [];
      let running = 0;
      let peak = 0;
      const sink = {
        emit(event: ExecutionEvent): void {
          events.push(event);
          if (event.kind !== "node" || event.arrayItem === undefined) return;
          if (event.phase === "RUNNING") peak = Math.max(peak, ++running);
          else running--;
        },
      };
      const runner = new FunctionRunner({ inc: async (i) => (await sleep(0), intMap({ o0: intOf(i.literals["x"]) })) });
      const values = Array.from({ length: 40 }, (_, i) => i);
      const result = await new Engine({ runner, events: sink }).execute({ executionId: "e1", closure: arrayClosure(values, { parallelism: 3 }), inputs: intMap({}) });
      assert.equal(result.phase, "SUCCEEDED");
      assert.equal(peak, 3);
      assert.equal(running, 0);
      const item7 = events.filter((e) => e.kind !== "workflow" && e.nodeId === "a0-7");
      assert.deepEqual(item7.map((e) => `${e.kind}:${e.phase}`), ["node:RUNNING", "task:RUNNING", "task:SUCCEEDED", "node:SUCCEEDED"]);
      for (const e of item7) assert.deepEqual(e.kind === "workflow" ? undefined : e.arrayItem, { arrayNodeId: "a0", index: 7, count: 40 });
    });

    test("min-success criteria: the node fails once too many items failed, and aborted items are counted", async () => {
      const store = new MemoryStore();
      const runner = new FunctionRunner({
        inc: async (i, request) => {
          const x = intOf(i.literals["x"]);
          if (x < 3n) throw new TaskFailureError({ code: "USER:Low", message: `low ${x}`, kind: "USER", recoverable: false });
          await sleep(50, request.signal);
          return intMap({ o0: x });
        },
      });
      // 10 items, 5 at once, 8 must succeed. Items 0-2 fail first; each failure frees a slot, so
      // items 5 and 6 start before the third failure ends the node and aborts items 3-6.
      const values = Array.from({ length: 10 }, (_, i) => i);
      const result = await new Engine({ runner, store }).execute({ executionId: "e1", closure: arrayClosure(values, { minSuccessRatio: 0.8, parallelism: 5 }), inputs: intMap({}) });
      assert.equal(result.phase, "FAILED");
      if (result.phase !== "FAILED") return;
      assert.match(result.error.message, /3 of 10 items failed \(items 0, 1, 2\); at least 8 had to succeed/);
      const items = store.getNodeExecution("e1", "a0")?.arrayItems;
      assert.deepEqual(items?.phaseCounts, { FAILED: 3, ABORTED: 4, UNDEFINED: 3 });
    });
    test("failures are named in index order, the lowest first, whatever order they ended in", async () => {
      // Items 0 and 1 fail, item 1 first: item 0's attempt waits until item 1's failure is recorded.
      let item1Failed!: () => void;
      const afterItem1 = new Promise<void>((resolve) => (item1Failed = resolve));
      const sink = {
        emit: (event: ExecutionEvent) => {
          if (event.kind === "node" && event.nodeId === "a0-1" && event.phase === "FAILED") item1Failed();
        },
      };
      const runner = new FunctionRunner({
        inc: async (i) => {
          const x = intOf(i.literals["x"]);
          if (x === 0n) await afterItem1;
          if (x < 2n) throw new TaskFailureError({ code: "USER:Low", message: `low ${x}`, kind: "USER", recoverable: false });
          return intMap({ o0: x });
        },
      });
      const result = await new Engine({ runner, events: sink }).execute({ executionId: "e1", closure: arrayClosure([0, 1, 2], { minSuccessRatio: 0.5 }), inputs: intMap({}) });
      assert.equal(result.phase, "FAILED");
      if (result.phase !== "FAILED") return;
      assert.match(result.error.message, /2 of 3 items failed \(items 0, 1\); at least 2 had to succeed\. First failure \(item 0\): .*low 0/);
    });
  });

  describe("a cached map task", () => {
    /** The array closure with its task cacheable (version "1"), as a cached mapped task serializes. */
    const cachedClosure = (values: readonly number[]) => {
      const closure = arrayClosure(values);
      const metadata = closure.tasks[0]?.template?.metadata;
      assert.ok(metadata);
      metadata.discoverable = true;
      metadata.discoveryVersion = "1";
      return closure;
    };
    const itemStatuses = (events: readonly ExecutionEvent[], executionId: string): Record<string, string | undefined> =>
      Object.fromEntries(
        events
          .filter((e) => e.kind === "node" && e.executionId === executionId && e.arrayItem !== undefined && e.phase === "SUCCEEDED")
          .map((e) => [e.kind === "workflow" ? "" : e.nodeId, e.kind === "node" ? e.cacheStatus : undefined]),
      );

    test("caches each item by its own inputs: a second run hits per item, a changed item runs", async () => {
      const ran: bigint[] = [];
      const runner = new FunctionRunner({ inc: (i) => (ran.push(intOf(i.literals["x"])), intMap({ o0: intOf(i.literals["x"]) + 1n })) });
      const events: ExecutionEvent[] = [];
      const store = new MemoryStore();
      const engine = new Engine({ runner, store, catalog: new MemoryCatalog(), events: { emit: (e) => events.push(e) } });
      const first = await engine.execute({ executionId: "e1", closure: cachedClosure([1, 2, 3]), inputs: intMap({}) });
      assert.equal(first.phase, "SUCCEEDED");
      assert.deepEqual(itemStatuses(events, "e1"), { "a0-0": "CACHE_POPULATED", "a0-1": "CACHE_POPULATED", "a0-2": "CACHE_POPULATED" });
      ran.length = 0;
      const second = await engine.execute({ executionId: "e2", closure: cachedClosure([1, 5, 3]), inputs: intMap({}) });
      assert.equal(second.phase, "SUCCEEDED");
      if (second.phase === "SUCCEEDED") assert.deepEqual(listOf(second.outputs), [2n, 6n, 4n]);
      assert.deepEqual(ran, [5n], "only the item whose input changed ran");
      assert.deepEqual(itemStatuses(events, "e2"), { "a0-0": "CACHE_HIT", "a0-1": "CACHE_POPULATED", "a0-2": "CACHE_HIT" });
      // A hit starts no attempt: the summary shows 0 attempts for the hits.
      assert.deepEqual(Array.from(store.getNodeExecution("e2", "a0")?.arrayItems?.attempts ?? []), [0, 1, 0]);
    });

    test("without a catalog, items run and say the cache is disabled", async () => {
      const events: ExecutionEvent[] = [];
      const runner = new FunctionRunner({ inc: (i) => intMap({ o0: intOf(i.literals["x"]) }) });
      const result = await new Engine({ runner, events: { emit: (e) => events.push(e) } }).execute({ executionId: "e1", closure: cachedClosure([1, 2]), inputs: intMap({}) });
      assert.equal(result.phase, "SUCCEEDED");
      assert.deepEqual(itemStatuses(events, "e1"), { "a0-0": "CACHE_DISABLED", "a0-1": "CACHE_DISABLED" });
    });
  });

  describe("over an offloaded list", () => {
    const uri = "file:///store/raw/ab/x/o0_offloaded_metadata.pb";
    const offloaded = create(BindingDataSchema, { value: { case: "offloadedMetadata", value: { uri, sizeBytes: 123n } } });
    const list = (values: readonly number[]): Literal =>
      create(LiteralSchema, { value: { case: "collection", value: { literals: values.map((v) => intLiteral(v)) } } });
    const inc = (): FunctionRunner => new FunctionRunner({ inc: (i) => intMap({ o0: intOf(i.literals["x"]) + 1n }) });

    test("reads the list back from the store, then runs one item per element", async () => {
      const reads: [string, bigint][] = [];
      const offloadedLiterals = async (at: string, size: bigint): Promise<Literal> => {
        reads.push([at, size]);
        await sleep(1);
        return list([10, 20, 30]);
      };
      const result = await new Engine({ runner: inc(), offloadedLiterals }).execute({ executionId: "e1", closure: arrayClosure([], { binding: offloaded }), inputs: intMap({}) });
      assert.equal(result.phase, "SUCCEEDED");
      if (result.phase === "SUCCEEDED") assert.deepEqual(listOf(result.outputs), [11n, 21n, 31n]);
      assert.deepEqual(reads, [[uri, 123n]]);
    });

    test("a list that cannot be read fails the node naming the input and the URI", async () => {
      const offloadedLiterals = (): Promise<Literal> => Promise.reject(new Error("nothing is stored there"));
      const result = await new Engine({ runner: inc(), offloadedLiterals }).execute({ executionId: "e1", closure: arrayClosure([], { binding: offloaded }), inputs: intMap({}) });
      assert.equal(result.phase, "FAILED");
      if (result.phase !== "FAILED") return;
      assert.equal(result.error.code, "USER:ArrayNodeInputs");
      assert.match(result.error.message, /input "x" is an offloaded list that could not be read from file:\/\/\/store\/.*: nothing is stored there/);
    });

    test("without a reader, the node fails saying so", async () => {
      const result = await new Engine({ runner: inc() }).execute({ executionId: "e1", closure: arrayClosure([], { binding: offloaded }), inputs: intMap({}) });
      assert.equal(result.phase, "FAILED");
      if (result.phase === "FAILED") assert.match(result.error.message, /offloaded list \(123 bytes at file:.*no way to read offloaded literals/);
    });
  });
});
