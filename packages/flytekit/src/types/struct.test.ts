import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { describeType } from "./describe.ts";
import { duration } from "./duration.ts";
import { decodeMsgpack, encodeMsgpack } from "./msgpack.ts";
import { assertFlyteError, inputPath, roundTrip } from "./test-support.ts";
import { literalTypeOf, transformerFor } from "./transformer.ts";

const Point = z.object({ x: z.number(), y: z.number(), label: z.string() });

function bodyOf(schema: z.ZodType, value: unknown): unknown {
  const lit = transformerFor(schema).toLiteral(value, inputPath());
  const v = lit.value;
  assert.ok(v.case === "scalar" && v.value.value.case === "binary");
  assert.equal(v.value.value.value.tag, "msgpack");
  return decodeMsgpack(v.value.value.value.value);
}

function binaryLiteral(body: unknown, tag = "msgpack") {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "binary", value: { value: encodeMsgpack(body), tag } } } },
  });
}

describe("struct literal type", () => {
  test("an object is a STRUCT carrying its JSON schema", () => {
    const lt = literalTypeOf(Point);
    assert.equal(lt.type.case, "simple");
    assert.equal(lt.type.value, SimpleType.STRUCT);
    assert.equal(describeType(lt), "struct");
    const schema = lt.metadata as { type?: string; properties?: Record<string, unknown>; required?: string[] };
    assert.equal(schema.type, "object");
    assert.deepEqual(Object.keys(schema.properties ?? {}), ["x", "y", "label"]);
    assert.deepEqual(schema.required, ["x", "y", "label"]);
  });

  test("the struct lists per-field literal types for attribute access", () => {
    const lt = literalTypeOf(z.object({ n: z.int(), tags: z.array(z.string()), maybe: z.string().optional() }));
    const fields = lt.structure?.dataclassType ?? {};
    assert.deepEqual(
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, describeType(v)])),
      { n: "INTEGER", tags: "list<STRING>", maybe: "union<STRING|NONE>" },
    );
  });

  test("the struct carries flytekit's msgpack cache-key annotation", () => {
    const lt = literalTypeOf(Point);
    assert.deepEqual(lt.annotation?.annotations, { "cache-key-metadata": { "serialization-format": "msgpack" } });
  });

  test("dates and durations inside the JSON schema are described as stored", () => {
    const lt = literalTypeOf(z.object({ at: z.date(), wait: duration() }));
    const props = (lt.metadata as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(props.at, { type: "string", format: "date-time" });
    assert.deepEqual(props.wait, { type: "number", format: "time-delta" });
  });
});

describe("struct values", () => {
  test("an object round-trips through a msgpack binary literal", () => {
    const value = { x: 1, y: 2.5, label: "p" };
    const { literal, back } = roundTrip(Point, value);
    assert.ok(literal.value.case === "scalar" && literal.value.value.value.case === "binary");
    assert.deepEqual(back, value);
  });

  test("the msgpack body is a map of field names to plain values", () => {
    assert.deepEqual(bodyOf(Point, { x: 1, y: 2, label: "p" }), { x: 1, y: 2, label: "p" });
  });

  test("whole floats are written as msgpack float64 so Python reads floats", () => {
    const lit = transformerFor(z.object({ f: z.number() })).toLiteral({ f: 2 }, inputPath());
    assert.ok(lit.value.case === "scalar" && lit.value.value.value.case === "binary");
    const bytes = lit.value.value.value.value.value;
    // fixmap(1), fixstr "f", float64 marker 0xcb
    assert.deepEqual([...bytes.slice(0, 4)], [0x81, 0xa1, 0x66, 0xcb]);
  });

  test("dates inside objects are ISO strings and durations are seconds", () => {
    const s = z.object({ at: z.date(), wait: duration() });
    const at = new Date("2024-05-06T07:08:09.010Z");
    assert.deepEqual(bodyOf(s, { at, wait: 1500 }), { at: "2024-05-06T07:08:09.010Z", wait: 1.5 });
    assert.deepEqual(roundTrip(s, { at, wait: 1500 }).back, { at, wait: 1500 });
  });

  test("nested objects, arrays of objects and records of arrays round-trip", () => {
    const s = z.object({
      name: z.string(),
      points: z.array(Point),
      index: z.record(z.string(), z.array(z.int())),
      kind: z.enum(["a", "b"]),
      inner: z.object({ flag: z.boolean(), when: z.date().nullable() }),
    });
    const value = {
      name: "n",
      points: [{ x: 0, y: 1, label: "a" }],
      index: { k: [1, 2] },
      kind: "b",
      inner: { flag: true, when: null },
    };
    assert.deepEqual(roundTrip(s, value).back, value);
    assert.deepEqual(roundTrip(z.array(Point), [value.points[0]]).back, value.points);
  });

  test("an absent optional field stays absent and reads back absent", () => {
    const s = z.object({ a: z.int(), b: z.string().optional() });
    assert.deepEqual(bodyOf(s, { a: 1 }), { a: 1 });
    const back = roundTrip(s, { a: 1 }).back as Record<string, unknown>;
    assert.deepEqual(back, { a: 1 });
    assert.equal(Object.hasOwn(back, "b"), false);
    assert.deepEqual(roundTrip(s, { a: 1, b: "x" }).back, { a: 1, b: "x" });
  });

  test("field defaults are applied before the value is stored", () => {
    const s = z.object({ a: z.int().default(7) });
    assert.deepEqual(bodyOf(s, {}), { a: 7 });
  });

  test("unknown keys are stripped as zod strips them", () => {
    assert.deepEqual(bodyOf(Point, { x: 1, y: 2, label: "p", extra: true }), { x: 1, y: 2, label: "p" });
  });

  test("a bad field is reported with its path", () => {
    const s = z.object({ items: z.array(z.object({ name: z.string() })) });
    assertFlyteError(
      () => transformerFor(s).toLiteral({ items: [{ name: "a" }, { name: 5 }] }, { entity: "t1", side: "output", variable: "o0" }),
      "E_VALUE_TYPE",
      "task 't1' output 'o0'.items[1].name: expected a string, got number 5",
    );
  });

  test("a struct body missing a required field is rejected on read", () => {
    assertFlyteError(() => transformerFor(Point).fromLiteral(binaryLiteral({ x: 1, y: 2 }), inputPath()), "E_VALUE_TYPE", "input 'a'.label");
  });

  test("a struct body with a wrongly typed field is rejected on read with its path", () => {
    assertFlyteError(
      () => transformerFor(z.object({ at: z.date() })).fromLiteral(binaryLiteral({ at: 5 }), inputPath()),
      "E_VALUE_TYPE",
      "input 'a'.at: expected an ISO 8601 date-time string",
    );
  });

  test("a binary literal with another tag is rejected", () => {
    assertFlyteError(() => transformerFor(Point).fromLiteral(binaryLiteral({}, "json"), inputPath()), "E_VALUE_TYPE", 'tagged "json"');
  });

  test("a generic Struct literal is accepted as flytekit's older form", () => {
    const lit = create(LiteralSchema, {
      value: { case: "scalar", value: { value: { case: "generic", value: { x: 1, y: 2, label: "g" } } } },
    });
    assert.deepEqual(transformerFor(Point).fromLiteral(lit, inputPath()), { x: 1, y: 2, label: "g" });
  });

  test("a whole-number float in a generic Struct is accepted for an int field", () => {
    const lit = create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "generic", value: { n: 3 } } } } });
    assert.deepEqual(transformerFor(z.object({ n: z.int() })).fromLiteral(lit, inputPath()), { n: 3 });
  });

  test("object-level refinements are checked", () => {
    const s = z.object({ lo: z.int(), hi: z.int() }).refine((v) => v.lo <= v.hi, "lo must not exceed hi");
    assertFlyteError(() => transformerFor(s).toLiteral({ lo: 2, hi: 1 }, inputPath()), "E_VALUE_TYPE", "lo must not exceed hi");
  });
});
