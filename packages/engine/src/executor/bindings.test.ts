import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create, type JsonValue } from "@bufbuild/protobuf";
import {
  BindingDataSchema,
  BindingSchema,
  LiteralMapSchema,
  LiteralSchema,
  type BindingData,
  type Literal,
  type LiteralMap,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BindingResolutionError } from "./binding-resolution-error.ts";
import { resolveBinding, resolveBindings } from "./bindings.ts";
import { Engine } from "./engine.ts";
import { buildClosure, ref } from "./testing/closures.ts";
import { FunctionRunner } from "./testing/function-runner.ts";
import { intLiteral, intMap, intOf, intsOf } from "./testing/literals.ts";

function promise(nodeId: string, name: string, path: readonly (string | number)[] = []): BindingData {
  return create(BindingDataSchema, {
    value: {
      case: "promise",
      value: {
        nodeId,
        var: name,
        attrPath: path.map((p) => (typeof p === "number" ? { value: { case: "intValue" as const, value: p } } : { value: { case: "stringValue" as const, value: p } })),
      },
    },
  });
}

function collection(items: Literal[]): Literal {
  return create(LiteralSchema, { value: { case: "collection", value: { literals: items } } });
}

function map(entries: Record<string, Literal>): Literal {
  return create(LiteralSchema, { value: { case: "map", value: { literals: entries } } });
}

function generic(value: Record<string, JsonValue>): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "generic", value } } } });
}

/** Upstream `up` produced `out`: [ {a: 1, b: [10, 20]}, … ] shapes used by the attr-path tests. */
const upstream: LiteralMap = create(LiteralMapSchema, {
  literals: {
    list: collection([intLiteral(10), intLiteral(20), map({ deep: intLiteral(30) })]),
    dict: map({ a: intLiteral(1), nested: collection([intLiteral(2), intLiteral(3)]) }),
    struct: generic({ name: "x", size: 3, tags: ["p", "q"], inner: { ok: true, none: null } }),
    packed: create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "binary", value: { tag: "msgpack", value: new Uint8Array([0x80]) } } } } }),
    plain: intLiteral(5),
  },
});
const outputsOf = (id: string): LiteralMap | undefined => (id === "up" ? upstream : undefined);

function scalarValue(literal: Literal): unknown {
  if (literal.value.case !== "scalar") return literal.value.case;
  const scalar = literal.value.value.value;
  if (scalar.case === "primitive") return scalar.value.value.value;
  if (scalar.case === "generic") return scalar.value;
  return scalar.case;
}

describe("resolveBinding builds literals from binding data", () => {
  test("scalars, collections and maps of bindings become the same shapes of literals", () => {
    const data = create(BindingDataSchema, {
      value: {
        case: "map",
        value: {
          bindings: {
            one: create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } }),
            many: create(BindingDataSchema, { value: { case: "collection", value: { bindings: [promise("up", "plain"), promise("up", "plain")] } } }),
          },
        },
      },
    });
    const literal = resolveBinding(data, outputsOf);
    assert.equal(literal.value.case, "map");
    if (literal.value.case !== "map") return;
    assert.equal(intOf(literal.value.value.literals["one"]), 1n);
    const many = literal.value.value.literals["many"];
    assert.equal(many?.value.case, "collection");
    assert.deepEqual(many?.value.case === "collection" && many.value.value.literals.map(intOf), [5n, 5n]);
  });

  test("a promise without a path yields the upstream literal itself", () => {
    assert.equal(resolveBinding(promise("up", "plain"), outputsOf), upstream.literals["plain"]);
  });

  test("attribute paths index collections by number and maps by key", () => {
    assert.equal(intOf(resolveBinding(promise("up", "list", [1]), outputsOf)), 20n);
    assert.equal(intOf(resolveBinding(promise("up", "list", [2, "deep"]), outputsOf)), 30n);
    assert.equal(intOf(resolveBinding(promise("up", "dict", ["nested", 0]), outputsOf)), 2n);
  });

  test("attribute paths walk into generic structs and convert the leaf to a literal", () => {
    assert.equal(scalarValue(resolveBinding(promise("up", "struct", ["name"]), outputsOf)), "x");
    assert.equal(scalarValue(resolveBinding(promise("up", "struct", ["size"]), outputsOf)), 3, "numbers become floats");
    assert.equal(scalarValue(resolveBinding(promise("up", "struct", ["tags", 1]), outputsOf)), "q");
    assert.deepEqual(scalarValue(resolveBinding(promise("up", "struct", ["inner"]), outputsOf)), { ok: true, none: null });
    assert.equal(scalarValue(resolveBinding(promise("up", "struct", ["inner", "ok"]), outputsOf)), true);
    assert.equal(scalarValue(resolveBinding(promise("up", "struct", ["inner", "none"]), outputsOf)), "noneType");
    const tags = resolveBinding(promise("up", "struct", ["tags"]), outputsOf);
    assert.equal(tags.value.case, "collection");
  });

  test("paths that do not fit the value fail with a message naming the problem", () => {
    const cases: [BindingData, RegExp][] = [
      [promise("up", "list", [3]), /index 3 is out of range of a collection of 3 item/],
      [promise("up", "list", ["a"]), /needs a numeric index/],
      [promise("up", "dict", ["zzz"]), /key "zzz" does not exist; the map has keys "a", "nested"/],
      [promise("up", "dict", [0]), /needs a string key/],
      [promise("up", "struct", ["missing"]), /field "missing" does not exist in the struct/],
      [promise("up", "struct", ["name", "x"]), /cannot apply attribute \["x"\] to the struct value "x"/],
      [promise("up", "plain", [0]), /only collections, maps and structs have attributes/],
      [promise("up", "packed", ["field"]), /binary \("msgpack"\) struct is not supported yet/],
      [promise("up", "nope"), /no output named "nope"; it produced outputs "list", "dict"/],
      [promise("other", "x"), /node "other" has no outputs/],
    ];
    for (const [data, message] of cases) {
      assert.throws(() => resolveBinding(data, outputsOf), (error: unknown) => error instanceof BindingResolutionError && message.test(error.message));
    }
  });

  test("resolveBindings keys literals by input variable and names the failing one", () => {
    const inputs = resolveBindings(
      [create(BindingSchema, { var: "a", binding: promise("up", "plain") }), create(BindingSchema, { var: "b", binding: promise("up", "list", [0]) })],
      outputsOf,
    );
    assert.deepEqual(intsOf(inputs), { a: 5n, b: 10n });
    assert.throws(
      () => resolveBindings([create(BindingSchema, { var: "bad", binding: promise("up", "list", [9]) })], outputsOf),
      /input "bad": output "list" of node "up": index 9 is out of range/,
    );
  });
});

describe("Engine resolves attribute paths between nodes", () => {
  test("a downstream node receives an element and a field of upstream outputs", async () => {
    const runner = new FunctionRunner({
      make: () => create(LiteralMapSchema, { literals: { pair: collection([intLiteral(4), intLiteral(6)]), info: map({ k: intLiteral(9) }) } }),
      add: (inputs) => intMap({ o0: intOf(inputs.literals["x"]) + intOf(inputs.literals["y"]) }),
    });
    const closure = buildClosure({
      tasks: [{ name: "make" }, { name: "add" }],
      nodes: [
        { id: "m", task: "make" },
        { id: "s", task: "add", inputs: { x: ref("m", "pair", [1]), y: ref("m", "info", ["k"]) } },
      ],
      outputs: { o0: ref("s", "o0"), first: ref("m", "pair", [0]) },
    });
    const result = await new Engine({ runner }).execute({ executionId: "e1", closure, inputs: intMap({}) });
    assert.equal(result.phase, "SUCCEEDED");
    assert.deepEqual(result.phase === "SUCCEEDED" && intsOf(result.outputs), { o0: 15n, first: 4n });
  });
});
