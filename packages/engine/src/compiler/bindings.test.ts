import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileWorkflow, type CompileInput } from "./compile.ts";
import { formatDiagnostics, type DiagnosticCode } from "./diagnostics.ts";
import { START_NODE_ID } from "./identifiers.ts";
import {
  FLOAT,
  INT,
  NONE,
  STR,
  dict,
  floatLit,
  intLit,
  list,
  listOf,
  mapOf,
  noneLit,
  promise,
  strLit,
  struct,
  task,
  taskNode,
  union,
  workflow,
} from "./test-fixtures.ts";
import type { BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

/** Compiles `sink(v = data)` where `sink` takes one input of type `type`; returns the diagnostic codes. */
function bindOne(type: LiteralType, data: BindingData, upstream?: { name: string; outputs: Record<string, LiteralType> }): DiagnosticCode[] {
  const tasks = [task("sink", { v: type }, {})];
  const nodes = [];
  if (upstream !== undefined) {
    tasks.push(task(upstream.name, {}, upstream.outputs));
    nodes.push(taskNode("up", upstream.name));
  }
  nodes.push(taskNode("n", "sink", { v: data }));
  const input: CompileInput = { primary: workflow("wf", { inputs: { a: INT }, nodes }), tasks };
  const result = compileWorkflow(input);
  return result.diagnostics.map((d) => d.code);
}

describe("constants", () => {
  test("primitive constants must match the input's kind exactly", () => {
    assert.deepEqual(bindOne(INT, intLit(1)), []);
    assert.deepEqual(bindOne(FLOAT, floatLit(1)), []);
    assert.deepEqual(bindOne(FLOAT, intLit(1)), ["E_MISMATCHING_TYPES"]);
    assert.deepEqual(bindOne(STR, intLit(1)), ["E_MISMATCHING_TYPES"]);
  });

  test("none fits an optional input but not a plain one", () => {
    assert.deepEqual(bindOne(union(INT, NONE), noneLit()), []);
    assert.deepEqual(bindOne(INT, noneLit()), ["E_MISMATCHING_TYPES"]);
  });

  test("a constant fits a union when exactly one variant takes it", () => {
    assert.deepEqual(bindOne(union(INT, STR), strLit("x")), []);
    assert.deepEqual(bindOne(union(INT, STR), floatLit(1.5)), ["E_MISMATCHING_TYPES"]);
  });

  test("list constants are checked item by item", () => {
    assert.deepEqual(bindOne(list(INT), listOf(intLit(1), intLit(2))), []);
    assert.deepEqual(bindOne(list(INT), listOf(intLit(1), strLit("2"))), ["E_MISMATCHING_TYPES"]);
    assert.deepEqual(bindOne(list(list(INT)), listOf(listOf(intLit(1)), listOf())), []);
    assert.deepEqual(bindOne(INT, listOf(intLit(1))), ["E_MISMATCHING_TYPES"]);
  });

  test("a mismatch inside a list points at the item", () => {
    const tasks = [task("sink", { v: list(INT) }, {})];
    const result = compileWorkflow({ primary: workflow("wf", { nodes: [taskNode("n", "sink", { v: listOf(intLit(1), strLit("2")) })] }), tasks });
    assert.equal(result.diagnostics[0]?.path, "workflow wf > node n > input v > [1]");
  });

  test("map constants are checked entry by entry", () => {
    assert.deepEqual(bindOne(dict(FLOAT), mapOf({ a: floatLit(1), b: floatLit(2) })), []);
    assert.deepEqual(bindOne(dict(FLOAT), mapOf({ a: floatLit(1), b: intLit(2) })), ["E_MISMATCHING_TYPES"]);
  });

  test("a list bound to an optional list input picks the list variant", () => {
    assert.deepEqual(bindOne(union(list(INT), NONE), listOf(intLit(1))), []);
    assert.deepEqual(bindOne(union(list(INT), NONE), listOf(strLit("x"))), ["E_MISMATCHING_TYPES"]);
  });

  test("promises inside a list are type-checked and become dependencies", () => {
    const tasks = [task("sink", { v: list(INT) }, { o0: INT }), task("make", {}, { o0: INT, f: FLOAT })];
    const wf = workflow("wf", {
      inputs: { a: INT },
      nodes: [taskNode("m", "make"), taskNode("n", "sink", { v: listOf(promise("m", "o0"), promise(START_NODE_ID, "a")) })],
    });
    const result = compileWorkflow({ primary: wf, tasks });
    if (!result.ok) assert.fail(formatDiagnostics(result.diagnostics));
    const n = result.closure.primary?.template?.nodes.find((x) => x.id === "n");
    assert.deepEqual(n?.upstreamNodeIds, ["m"]);
    const bad = workflow("wf", { nodes: [taskNode("m", "make"), taskNode("n", "sink", { v: listOf(promise("m", "f")) })] });
    assert.deepEqual(
      compileWorkflow({ primary: bad, tasks }).diagnostics.map((d) => d.code),
      ["E_MISMATCHING_TYPES"],
    );
  });
});

describe("attribute paths", () => {
  const point = struct(undefined, { x: INT, label: STR, tags: list(STR) });

  test("a struct field is type-checked against the input", () => {
    assert.deepEqual(bindOne(INT, promise("up", "o0", "x"), { name: "make", outputs: { o0: point } }), []);
    assert.deepEqual(bindOne(STR, promise("up", "o0", "x"), { name: "make", outputs: { o0: point } }), ["E_MISMATCHING_TYPES"]);
  });

  test("paths go through list elements and map values", () => {
    assert.deepEqual(bindOne(STR, promise("up", "o0", "tags", 0), { name: "make", outputs: { o0: point } }), []);
    assert.deepEqual(bindOne(INT, promise("up", "o0", 2), { name: "make", outputs: { o0: list(INT) } }), []);
    assert.deepEqual(bindOne(FLOAT, promise("up", "o0", "k"), { name: "make", outputs: { o0: dict(FLOAT) } }), []);
    assert.deepEqual(bindOne(INT, promise("up", "o0", 0, "x"), { name: "make", outputs: { o0: list(point) } }), []);
  });

  test("a field the struct does not have is reported", () => {
    assert.deepEqual(bindOne(INT, promise("up", "o0", "z"), { name: "make", outputs: { o0: point } }), ["E_FIELD_NOT_FOUND"]);
  });

  test("indexing a list with a string is reported", () => {
    assert.deepEqual(bindOne(INT, promise("up", "o0", "first"), { name: "make", outputs: { o0: list(INT) } }), ["E_FIELD_NOT_FOUND"]);
  });

  test("a path into a struct without field types skips the type check", () => {
    assert.deepEqual(bindOne(INT, promise("up", "o0", "anything"), { name: "make", outputs: { o0: struct() } }), []);
  });
});
