import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ParameterMapSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { intLiteral, intMap, intsOf } from "../testing/literals.ts";
import { mergeExecutionInputs } from "./execution-inputs.ts";

const simple = (value: SimpleType): LiteralType => create(LiteralTypeSchema, { type: { case: "simple", value } });
const STRUCT = simple(SimpleType.STRUCT);
const optional = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: [t, simple(SimpleType.NONE)] } } });
const binary = (tag: string): Literal =>
  // {"x": 1} in MessagePack, as flytekit sends a dataclass.
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "binary", value: { tag, value: Uint8Array.from([0x81, 0xa1, 0x78, 0x01]) } } } } });
const params = (type: LiteralType) => create(ParameterMapSchema, { parameters: { point: { var: { type }, behavior: { case: "required", value: true } } } });
const inputs = (literal: Literal) => create(LiteralMapSchema, { literals: { point: literal } });

test("a struct input takes a msgpack Binary literal (Flyte 1.x flytekit's dataclasses), kept as sent", () => {
  const sent = binary("msgpack");
  const merged = mergeExecutionInputs("launch plan 'lp'", params(STRUCT), undefined, inputs(sent));
  assert.equal(merged.literals["point"], sent);
});

test("an optional struct takes one too", () => {
  assert.doesNotThrow(() => mergeExecutionInputs("launch plan 'lp'", params(optional(STRUCT)), undefined, inputs(binary("msgpack"))));
});

test("a binary of another tag is still refused, naming the input and both types", () => {
  assert.throws(() => mergeExecutionInputs("launch plan 'lp'", params(STRUCT), undefined, inputs(binary("pickle"))), /invalid input 'point': expected STRUCT, got BINARY/);
});

test("a msgpack binary is not an integer", () => {
  assert.throws(() => mergeExecutionInputs("launch plan 'lp'", params(simple(SimpleType.INTEGER)), undefined, inputs(binary("msgpack"))), /invalid input 'point': expected INTEGER, got BINARY/);
});

test("each execution gets its own copy of the launch plan's defaults and fixed inputs: changing one never changes another's", () => {
  const integer = simple(SimpleType.INTEGER);
  // One decoded launch plan, shared by every execution of it (launch targets are cached).
  const expected = create(ParameterMapSchema, { parameters: { d: { var: { type: integer }, behavior: { case: "default", value: intLiteral(1) } } } });
  const spec = { fixedInputs: intMap({ f: 2 }) };
  const first = mergeExecutionInputs("launch plan 'lp'", expected, spec, undefined);
  const second = mergeExecutionInputs("launch plan 'lp'", expected, spec, undefined);
  for (const name of ["d", "f"]) {
    const literal = first.literals[name];
    assert.ok(literal?.value.case === "scalar" && literal.value.value.value.case === "primitive");
    literal.value.value.value.value.value = { case: "integer", value: 99n };
  }
  assert.deepEqual(intsOf(first), { d: 99n, f: 99n });
  assert.deepEqual(intsOf(second), { d: 1n, f: 2n }, "another execution's inputs unchanged");
  const shared = expected.parameters["d"]?.behavior;
  assert.deepEqual(shared?.case === "default" ? intsOf(create(LiteralMapSchema, { literals: { d: shared.value } })) : undefined, { d: 1n }, "the launch plan's default unchanged");
  assert.deepEqual(intsOf(spec.fixedInputs), { f: 2n }, "the launch plan's fixed input unchanged");
});
