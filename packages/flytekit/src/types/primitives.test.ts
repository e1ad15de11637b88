import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { describeType } from "./describe.ts";
import { duration } from "./duration.ts";
import { assertFlyteError, inputPath, roundTrip } from "./test-support.ts";
import { literalTypeOf, transformerFor } from "./transformer.ts";

function simple(schema: z.ZodType): SimpleType | undefined {
  const t = literalTypeOf(schema).type;
  return t.case === "simple" ? t.value : undefined;
}

function primitiveCase(schema: z.ZodType, value: unknown): string | undefined {
  const v = roundTrip(schema, value).literal.value;
  if (v.case !== "scalar" || v.value.value.case !== "primitive") return undefined;
  return v.value.value.value.value.case;
}

const floatLiteral = (value: number) =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "floatValue", value } } } } } });
const intLiteral = (value: bigint) =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value } } } } } });
const stringLiteral = (value: string) =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value } } } } } });

describe("primitive literal types", () => {
  test("z.int() and its int formats map to INTEGER", () => {
    assert.equal(simple(z.int()), SimpleType.INTEGER);
    assert.equal(simple(z.int32()), SimpleType.INTEGER);
    assert.equal(simple(z.number().int()), SimpleType.INTEGER);
  });

  test("z.number() maps to FLOAT", () => {
    assert.equal(simple(z.number()), SimpleType.FLOAT);
    assert.equal(simple(z.number().min(0)), SimpleType.FLOAT);
  });

  test("string, boolean, date and duration map to their simple types", () => {
    assert.equal(simple(z.string()), SimpleType.STRING);
    assert.equal(simple(z.email()), SimpleType.STRING);
    assert.equal(simple(z.boolean()), SimpleType.BOOLEAN);
    assert.equal(simple(z.date()), SimpleType.DATETIME);
    assert.equal(simple(duration()), SimpleType.DURATION);
    assert.equal(simple(duration().min(0).describe("timeout")), SimpleType.DURATION);
  });

  test("an enum maps to an enum type with its values", () => {
    assert.equal(describeType(literalTypeOf(z.enum(["a", "b"]))), "enum{a,b}");
  });

  test("string literals travel as STRING and number literals as INTEGER", () => {
    assert.equal(simple(z.literal("x")), SimpleType.STRING);
    assert.equal(simple(z.literal([1, 2])), SimpleType.INTEGER);
  });
});

describe("primitive round trips", () => {
  test("an integer becomes a bigint integer literal and reads back as a number", () => {
    const { literal, back } = roundTrip(z.int(), 42);
    assert.equal(primitiveCase(z.int(), 42), "integer");
    assert.equal(back, 42);
    assert.deepEqual(literal, intLiteral(42n));
  });

  test("negative and extreme safe integers survive", () => {
    for (const n of [-1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0]) {
      assert.equal(roundTrip(z.int(), n).back, n);
    }
  });

  test("a float becomes a floatValue literal", () => {
    assert.equal(primitiveCase(z.number(), 1.5), "floatValue");
    assert.equal(roundTrip(z.number(), 1.5).back, 1.5);
    assert.equal(roundTrip(z.number(), 3).back, 3);
  });

  test("strings, booleans and enums round-trip", () => {
    assert.equal(roundTrip(z.string(), "héllo").back, "héllo");
    assert.equal(roundTrip(z.string(), "").back, "");
    assert.equal(roundTrip(z.boolean(), false).back, false);
    assert.equal(roundTrip(z.enum(["red", "green"]), "green").back, "green");
    assert.equal(primitiveCase(z.enum(["red", "green"]), "red"), "stringValue");
  });

  test("a Date round-trips with millisecond precision", () => {
    const d = new Date("2024-03-01T12:34:56.789Z");
    const back = roundTrip(z.date(), d).back;
    assert.ok(back instanceof Date);
    assert.equal(back.getTime(), d.getTime());
    assert.equal(primitiveCase(z.date(), d), "datetime");
  });

  test("a duration in milliseconds round-trips, fractions and negatives included", () => {
    for (const ms of [0, 1500, 0.25, -2500.5, 86_400_000]) {
      assert.equal(roundTrip(duration(), ms).back, ms);
    }
    assert.equal(primitiveCase(duration(), 1500), "duration");
  });

  test("a duration of 1500 ms is 1 second and 500,000,000 nanos on the wire", () => {
    const lit = transformerFor(duration()).toLiteral(1500, inputPath());
    const v = lit.value;
    assert.ok(v.case === "scalar" && v.value.value.case === "primitive" && v.value.value.value.value.case === "duration");
    assert.equal(v.value.value.value.value.value.seconds, 1n);
    assert.equal(v.value.value.value.value.value.nanos, 500_000_000);
  });
});

describe("primitive validation", () => {
  test("a non-integer for z.int() is rejected with the variable named", () => {
    assertFlyteError(() => transformerFor(z.int()).toLiteral(1.5, inputPath("n")), "E_VALUE_TYPE", "task 't1' input 'n'", "1.5");
  });

  test("an unsafe integer for z.int() is rejected", () => {
    assertFlyteError(() => transformerFor(z.int()).toLiteral(2 ** 53, inputPath()), "E_VALUE_TYPE", "input 'a'");
  });

  test("a string for z.number() is rejected naming what was expected and what came", () => {
    assertFlyteError(() => transformerFor(z.number()).toLiteral("5", inputPath()), "E_VALUE_TYPE", "expected a number", 'string "5"');
  });

  test("NaN and Infinity are not floats", () => {
    assertFlyteError(() => transformerFor(z.number()).toLiteral(Number.NaN, inputPath()), "E_VALUE_TYPE");
    assertFlyteError(() => transformerFor(z.number()).toLiteral(Infinity, inputPath()), "E_VALUE_TYPE");
  });

  test("an invalid Date is rejected", () => {
    assertFlyteError(() => transformerFor(z.date()).toLiteral(new Date("nope"), inputPath()), "E_VALUE_TYPE");
  });

  test("refinements are checked on the way in", () => {
    const s = z.string().min(3);
    assertFlyteError(() => transformerFor(s).toLiteral("ab", inputPath()), "E_VALUE_TYPE", "input 'a'", 'string "ab"');
    assert.equal(roundTrip(s, "abc").back, "abc");
    const even = z.int().refine((n) => n % 2 === 0, "must be even");
    assertFlyteError(() => transformerFor(even).toLiteral(3, inputPath()), "E_VALUE_TYPE", "must be even");
  });

  test("refinements are checked on the way out of a literal too", () => {
    assertFlyteError(() => transformerFor(z.int().min(10)).fromLiteral(intLiteral(3n), inputPath()), "E_VALUE_TYPE", "input 'a'");
  });

  test("a value outside the enum is rejected", () => {
    assertFlyteError(() => transformerFor(z.enum(["a", "b"])).toLiteral("c", inputPath()), "E_VALUE_TYPE", '"a"|"b"', 'string "c"');
    assertFlyteError(() => transformerFor(z.enum(["a", "b"])).fromLiteral(stringLiteral("c"), inputPath()), "E_VALUE_TYPE", "enum{a,b}");
  });

  test("a literal value other than the declared one is rejected", () => {
    assertFlyteError(() => transformerFor(z.literal("x")).toLiteral("y", inputPath()), "E_VALUE_TYPE");
    assert.equal(roundTrip(z.literal("x"), "x").back, "x");
  });
});

describe("reading primitive literals", () => {
  test("an integer literal is accepted for a FLOAT", () => {
    assert.equal(transformerFor(z.number()).fromLiteral(intLiteral(7n), inputPath()), 7);
  });

  test("a whole float literal is accepted for an INTEGER but a fractional one is not", () => {
    assert.equal(transformerFor(z.int()).fromLiteral(floatLiteral(7), inputPath()), 7);
    assertFlyteError(() => transformerFor(z.int()).fromLiteral(floatLiteral(7.5), inputPath()), "E_VALUE_TYPE", "expected an INTEGER literal");
  });

  test("a string literal for an INTEGER is rejected naming the variable and the literal", () => {
    assertFlyteError(
      () => transformerFor(z.int()).fromLiteral(stringLiteral("5"), inputPath("count")),
      "E_VALUE_TYPE",
      "task 't1' input 'count'",
      "expected an INTEGER literal",
      'a string literal "5"',
    );
  });

  test("an int64 beyond the safe range is rejected rather than rounded", () => {
    assertFlyteError(() => transformerFor(z.int()).fromLiteral(intLiteral(2n ** 60n), inputPath()), "E_VALUE_TYPE", "safe integer");
  });

  test("an empty literal is rejected for a STRING", () => {
    assertFlyteError(() => transformerFor(z.string()).fromLiteral(create(LiteralSchema), inputPath()), "E_VALUE_TYPE", "an empty literal");
  });
});
