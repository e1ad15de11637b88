import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { ExecutionEvent } from "../runtime/events.ts";
import { SignalUnavailableError, type SignalRequest, type SignalSource } from "../runtime/signals.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { FunctionRunner } from "./testing/function-runner.ts";
import { intLiteral, intMap, intOf } from "./testing/literals.ts";

const runner = () => new FunctionRunner({ inc: (inputs) => intMap({ o0: Number(intOf(inputs.literals["x"])) + 1 }) });

function boolLiteral(value: boolean): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "boolean", value } } } } } });
}

/** A source that answers from a table, or never (until aborted) for missing ids. */
function tableSource(values: Record<string, Literal | Error>, seen: SignalRequest[] = []): SignalSource {
  return {
    waitForSignal(request) {
      seen.push(request);
      const value = values[request.signalId];
      if (value instanceof Error) return Promise.reject(value);
      if (value !== undefined) return Promise.resolve(value);
      return new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
    },
  };
}

const sleepNode = (ms: number) => ({
  id: "g0",
  upstreamNodeIds: [],
  target: { case: "gateNode" as const, value: { condition: { case: "sleep" as const, value: { duration: durationFromMs(ms) } } } },
});

const signalNode = (timeoutMs?: number) => ({
  id: "g0",
  metadata: { name: "g0", ...(timeoutMs === undefined ? {} : { timeout: durationFromMs(timeoutMs) }) },
  target: {
    case: "gateNode" as const,
    value: { condition: { case: "signal" as const, value: { signalId: "count", type: { type: { case: "simple" as const, value: SimpleType.INTEGER } }, outputVariableName: "o0" } } },
  },
});

const approveNode = {
  id: "g0",
  inputs: [{ var: "o0", binding: { value: { case: "promise" as const, value: { nodeId: "a", var: "o0" } } } }],
  upstreamNodeIds: ["a"],
  target: { case: "gateNode" as const, value: { condition: { case: "approve" as const, value: { signalId: "ok" } } } },
};

describe("gate nodes", () => {
  test("a sleep gate waits its duration on the engine's clock before its successors run", async () => {
    const clock = new FakeClock();
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: 1 }, after: ["g0"] }], rawNodes: [sleepNode(60_000)], outputs: { o0: ref("a", "o0") } });
    const r = runner();
    const pending = new Engine({ runner: r, clock }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(r.calls.length, 0, "the task waits for the sleep");
    clock.advance(60_000);
    const result = await pending;
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(r.calls.length, 1);
  });

  test("a signal gate outputs the value its signal source gives, and downstream nodes read it", async () => {
    const seen: SignalRequest[] = [];
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: ref("g0", "o0") } }], rawNodes: [signalNode(5000)], outputs: { o0: ref("a", "o0") } });
    const engine = new Engine({ runner: runner(), signals: tableSource({ count: intLiteral(41) }, seen) });
    const result = await engine.execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.equal(result.phase === "SUCCEEDED" && intOf(result.outputs.literals["o0"]), 42n);
    assert.equal(seen[0]?.kind, "signal");
    assert.equal(seen[0]?.timeoutMs, 5000);
  });

  test("a signal gate that gets no value within its timeout ends TIMED_OUT and so does the execution", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: ref("g0", "o0") } }], rawNodes: [signalNode(3_600_000)] });
    const pending = new Engine({ runner: runner(), clock, store, signals: tableSource({}) }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    clock.advance(3_600_000);
    const result = await pending;
    assert.equal(result.phase, "TIMED_OUT");
    assert.equal(result.phase === "TIMED_OUT" && result.error.code, "USER:GateTimeout");
    assert.match(result.phase === "TIMED_OUT" ? result.error.message : "", /Signal gate "count" \(node g0\) got no signal within its timeout/);
    assert.equal(store.getNodeExecution("e1", "g0")?.phase, "TIMED_OUT");
  });

  test("without a signal source a signal gate fails at once instead of waiting forever", async () => {
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: ref("g0", "o0") } }], rawNodes: [signalNode()] });
    const result = await new Engine({ runner: runner() }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.code, "USER:SignalUnavailable");
  });

  test("a source that cannot provide a value fails the gate with the source's message", async () => {
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: ref("g0", "o0") } }], rawNodes: [signalNode()] });
    const signals = tableSource({ count: new SignalUnavailableError("pass --signal count=VALUE") });
    const result = await new Engine({ runner: runner(), signals }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase === "FAILED" && result.error.code, "USER:SignalUnavailable");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /pass --signal count=VALUE/);
  });

  test("an approved gate passes its upstream value through", async () => {
    const seen: SignalRequest[] = [];
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: 1 } }], rawNodes: [approveNode], outputs: { o0: ref("g0", "o0") } });
    const result = await new Engine({ runner: runner(), signals: tableSource({ ok: boolLiteral(true) }, seen) }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase === "SUCCEEDED" && intOf(result.outputs.literals["o0"]), 2n);
    assert.equal(seen[0]?.kind, "approve");
    assert.equal(intOf(seen[0]?.inputs?.literals["o0"]), 2n, "the value to approve is shown to the source");
  });

  test("a rejected approval gate fails the node with a message saying it was rejected", async () => {
    const events: ExecutionEvent[] = [];
    const closure = buildClosure({ tasks: [{ name: "inc" }], nodes: [{ id: "a", task: "inc", inputs: { x: 1 } }], rawNodes: [approveNode], outputs: { o0: ref("g0", "o0") } });
    const engine = new Engine({ runner: runner(), events: { emit: (e) => events.push(e) }, signals: tableSource({ ok: boolLiteral(false) }) });
    const result = await engine.execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "FAILED");
    assert.equal(result.phase === "FAILED" && result.error.code, "USER:GateRejected");
    assert.match(result.phase === "FAILED" ? result.error.message : "", /Approval gate "ok" \(node g0\) was rejected/);
  });
});
