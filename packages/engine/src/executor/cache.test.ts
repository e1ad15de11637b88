import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, LiteralSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { MemoryCatalog, type CacheKey, type Catalog } from "../runtime/catalog.ts";
import type { ExecutionEvent, NodeExecutionEvent } from "../runtime/events.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { cacheKeyOf, hashInputs } from "./cache-key.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { FunctionRunner, sleep } from "./testing/function-runner.ts";
import { intLiteral, intMap, intOf } from "./testing/literals.ts";

/** start → n0 = inc(x) → end, with inc cacheable at `version`. */
function cachedClosure(options: { version?: string; ignored?: string[]; serialize?: boolean } = {}): CompiledWorkflowClosure {
  const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "n0", task: "inc", inputs: { x: ref("start-node", "x"), y: ref("start-node", "y") } }], outputs: { o0: ref("n0", "o0") } });
  const metadata = closure.tasks[0]?.template?.metadata;
  assert.ok(metadata);
  metadata.discoverable = true;
  metadata.discoveryVersion = options.version ?? "1.0";
  metadata.cacheIgnoreInputVars = options.ignored ?? [];
  metadata.cacheSerializable = options.serialize ?? false;
  return closure;
}

function counting() {
  const runner = new FunctionRunner({
    inc: async (inputs) => {
      await sleep(2);
      return intMap({ o0: Number(intOf(inputs.literals["x"])) + 1 });
    },
  });
  return runner;
}

function cacheStatuses(events: readonly ExecutionEvent[]): (string | undefined)[] {
  return events.filter((e): e is NodeExecutionEvent => e.kind === "node" && e.nodeId === "n0" && e.phase === "SUCCEEDED").map((e) => e.cacheStatus);
}

describe("caching of task nodes", () => {
  test("the second run with equal inputs hits the cache and does not run the task", async () => {
    const runner = counting();
    const events: ExecutionEvent[] = [];
    const store = new MemoryStore();
    const engine = new Engine({ runner, store, catalog: new MemoryCatalog(), events: { emit: (e) => events.push(e) } });
    const closure = cachedClosure();
    const first = await engine.execute({ executionId: "e1", closure, inputs: intMap({ x: 1, y: 0 }) });
    const second = await engine.execute({ executionId: "e2", closure, inputs: intMap({ x: 1, y: 0 }) });
    assert.equal(runner.calls.length, 1);
    assert.equal(second.phase === "SUCCEEDED" && intOf(second.outputs.literals["o0"]), 2n);
    assert.equal(first.phase, "SUCCEEDED");
    assert.deepEqual(cacheStatuses(events), ["CACHE_POPULATED", "CACHE_HIT"]);
    assert.equal(events.filter((e) => e.kind === "task" && e.executionId === "e2").length, 0, "a hit records no task attempt");
    assert.equal(store.getNodeExecution("e2", "n0")?.cacheStatus, "CACHE_HIT", "the store keeps the status");
  });

  test("other inputs, another cache version or overwrite run the task again", async () => {
    const runner = counting();
    const events: ExecutionEvent[] = [];
    const engine = new Engine({ runner, catalog: new MemoryCatalog(), events: { emit: (e) => events.push(e) } });
    await engine.execute({ executionId: "e1", closure: cachedClosure(), inputs: intMap({ x: 1, y: 0 }) });
    await engine.execute({ executionId: "e2", closure: cachedClosure(), inputs: intMap({ x: 2, y: 0 }) });
    await engine.execute({ executionId: "e3", closure: cachedClosure({ version: "2.0" }), inputs: intMap({ x: 1, y: 0 }) });
    await engine.execute({ executionId: "e4", closure: cachedClosure(), inputs: intMap({ x: 1, y: 0 }), overwriteCache: true });
    assert.equal(runner.calls.length, 4);
    assert.deepEqual(cacheStatuses(events), ["CACHE_POPULATED", "CACHE_POPULATED", "CACHE_POPULATED", "CACHE_POPULATED"]);
  });

  test("ignored inputs do not change the key", async () => {
    const runner = counting();
    const engine = new Engine({ runner, catalog: new MemoryCatalog() });
    const closure = cachedClosure({ ignored: ["y"] });
    await engine.execute({ executionId: "e1", closure, inputs: intMap({ x: 1, y: 0 }) });
    await engine.execute({ executionId: "e2", closure, inputs: intMap({ x: 1, y: 99 }) });
    assert.equal(runner.calls.length, 1);
  });

  test("without a catalog a cacheable node runs and reports CACHE_DISABLED", async () => {
    const events: ExecutionEvent[] = [];
    const engine = new Engine({ runner: counting(), events: { emit: (e) => events.push(e) } });
    await engine.execute({ executionId: "e1", closure: cachedClosure(), inputs: intMap({ x: 1, y: 0 }) });
    assert.deepEqual(cacheStatuses(events), ["CACHE_DISABLED"]);
  });

  test("a failing catalog never fails the node", async () => {
    const broken: Catalog = {
      get: () => Promise.reject(new Error("disk gone")),
      put: () => {
        throw new Error("disk gone");
      },
      getOrExtendReservation: () => Promise.reject(new Error("disk gone")),
      releaseReservation: () => undefined,
    };
    const events: ExecutionEvent[] = [];
    const result = await new Engine({ runner: counting(), catalog: broken, events: { emit: (e) => events.push(e) } })
      .execute({ executionId: "e1", closure: cachedClosure(), inputs: intMap({ x: 1, y: 0 }) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.deepEqual(cacheStatuses(events), ["CACHE_PUT_FAILURE"]);
  });

  test("cache-serialized runs of one key compute once; the others wait and hit", async () => {
    const runner = counting();
    const clock = new FakeClock();
    const engine = new Engine({ runner, clock, catalog: new MemoryCatalog() });
    const closure = cachedClosure({ serialize: true });
    const pending = Promise.all(
      ["e1", "e2", "e3"].map((executionId) => engine.execute({ executionId, closure, inputs: intMap({ x: 5, y: 0 }) })),
    );
    // The holder computes while the others wait for a heartbeat on the fake clock. On a busy
    // machine the waiters may reach their timers only after any fixed real wait, so the clock
    // moves one heartbeat at a time until all three have ended; the holder extends its
    // reservation at every heartbeat, so no waiter can take it over.
    let settled = false;
    const done = pending.finally(() => {
      settled = true;
    });
    for (let turns = 0; !settled && turns < 6000; turns++) {
      clock.advance(1000);
      await sleep(5);
    }
    assert.ok(settled, "the three cache-serialized executions did not end within 6,000 heartbeats");
    const results = await done;
    assert.deepEqual(results.map((r) => r.phase === "SUCCEEDED" && intOf(r.outputs.literals["o0"])), [6n, 6n, 6n]);
    assert.equal(runner.calls.length, 1);
  });
});

describe("cache keys", () => {
  const parts = { taskId: { project: "p", domain: "d", name: "t", version: "v1" } as never, cacheVersion: "1", taskInterface: undefined, ignoredInputs: [] };

  test("equal maps built in different orders hash the same; different values do not", () => {
    const ab = create(LiteralMapSchema, { literals: { a: intLiteral(1), b: intLiteral(2) } });
    const ba = create(LiteralMapSchema, { literals: { b: intLiteral(2), a: intLiteral(1) } });
    assert.equal(hashInputs(ab), hashInputs(ba));
    assert.notEqual(hashInputs(ab), hashInputs(create(LiteralMapSchema, { literals: { a: intLiteral(1), b: intLiteral(3) } })));
  });

  test("a literal's hash replaces its value", () => {
    const withHash = (n: number): LiteralMap => create(LiteralMapSchema, { literals: { f: create(LiteralSchema, { ...intLiteral(n), hash: "h1" }) } });
    assert.equal(hashInputs(withHash(1)), hashInputs(withHash(2)));
  });

  test("the task's registration version is not part of the key, the project is", () => {
    const inputs = intMap({ a: 1 });
    const key = (id: Record<string, string>): CacheKey => cacheKeyOf({ ...parts, taskId: id as never }, inputs);
    assert.equal(key({ project: "p", domain: "d", name: "t", version: "v1" }).id, key({ project: "p", domain: "d", name: "t", version: "v2" }).id);
    assert.notEqual(key({ project: "p", domain: "d", name: "t", version: "v1" }).id, key({ project: "q", domain: "d", name: "t", version: "v1" }).id);
    assert.match(key({ project: "p", domain: "d", name: "t", version: "v1" }).id, /^p\/d\/flyte_task-t\/1-[\w-]{8}-[\w-]{8}\/flyte_cached-[\w-]+$/);
  });
});
