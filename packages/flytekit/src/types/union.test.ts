import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { describeType } from "./describe.ts";
import { assertFlyteError, inputPath, roundTrip } from "./test-support.ts";
import { literalTypeOf, transformerFor } from "./transformer.ts";

const noneLiteral = () => create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });

function unionTag(schema: z.ZodType, value: unknown): string | undefined {
  const lit = transformerFor(schema).toLiteral(value, inputPath());
  const v = lit.value;
  assert.ok(v.case === "scalar" && v.value.value.case === "union", "expected a union literal");
  return v.value.value.value.type?.structure?.tag;
}

describe("optional and nullable", () => {
  test("T.optional() is a union of T and NONE with flytekit's tags", () => {
    const lt = literalTypeOf(z.int().optional());
    assert.equal(describeType(lt), "union<INTEGER|NONE>");
    assert.ok(lt.type.case === "unionType");
    assert.deepEqual(lt.type.value.variants.map((v) => v.structure?.tag), ["int", "none"]);
  });

  test("T.nullable() is a union of T and NONE", () => {
    assert.equal(describeType(literalTypeOf(z.string().nullable())), "union<STRING|NONE>");
  });

  test("a missing optional value reads back as undefined", () => {
    const { literal, back } = roundTrip(z.int().optional(), undefined);
    assert.equal(back, undefined);
    assert.ok(literal.value.case === "scalar" && literal.value.value.value.case === "union");
    assert.equal(literal.value.value.value.value.value?.value.case, "scalar");
  });

  test("a null nullable value reads back as null", () => {
    assert.equal(roundTrip(z.int().nullable(), null).back, null);
  });

  test("a present optional value round-trips through the union wrapper", () => {
    assert.equal(roundTrip(z.int().optional(), 5).back, 5);
    assert.equal(unionTag(z.int().optional(), 5), "int");
    assert.equal(unionTag(z.int().optional(), undefined), "none");
  });

  test("a bare none literal reads as the schema's none value", () => {
    assert.equal(transformerFor(z.string().optional()).fromLiteral(noneLiteral(), inputPath()), undefined);
    assert.equal(transformerFor(z.string().nullable()).fromLiteral(noneLiteral(), inputPath()), null);
  });

  test("a bare (unwrapped) value literal is still readable for an optional", () => {
    const plain = transformerFor(z.int()).toLiteral(3, inputPath());
    assert.equal(transformerFor(z.int().optional()).fromLiteral(plain, inputPath()), 3);
  });

  test("null is rejected for an optional that is not nullable", () => {
    assertFlyteError(() => transformerFor(z.int().optional()).toLiteral(null, inputPath()), "E_VALUE_TYPE", "input 'a'", "null");
  });

  test("a none literal is rejected where no none is allowed", () => {
    assertFlyteError(() => transformerFor(z.int()).fromLiteral(noneLiteral(), inputPath()), "E_VALUE_TYPE", "a none literal");
  });

  test("nested optional and nullable flatten into one NONE, and the outer wrapper decides the none value", () => {
    assert.equal(describeType(literalTypeOf(z.int().nullish())), "union<INTEGER|NONE>");
    assert.equal(roundTrip(z.int().nullable().optional(), null).back, undefined);
    assert.equal(roundTrip(z.int().optional().nullable(), undefined).back, null);
  });

  test("an optional object round-trips both ways", () => {
    const s = z.object({ a: z.int() }).optional();
    assert.deepEqual(roundTrip(s, { a: 1 }).back, { a: 1 });
    assert.equal(roundTrip(s, undefined).back, undefined);
    assert.equal(unionTag(s, { a: 1 }), "Object-Dataclass-Transformer");
  });

  test("an optional list of optional ints round-trips", () => {
    const s = z.array(z.int().optional()).optional();
    assert.deepEqual(roundTrip(s, [1, undefined, 3]).back, [1, undefined, 3]);
  });
});

describe("unions", () => {
  test("a union of int and string lists both variants with tags", () => {
    const lt = literalTypeOf(z.union([z.int(), z.string()]));
    assert.equal(describeType(lt), "union<INTEGER|STRING>");
    assert.ok(lt.type.case === "unionType");
    assert.deepEqual(lt.type.value.variants.map((v) => v.structure?.tag), ["int", "str"]);
  });

  test("the variant that accepts the value is chosen", () => {
    const s = z.union([z.int(), z.string()]);
    assert.equal(unionTag(s, 3), "int");
    assert.equal(unionTag(s, "x"), "str");
    assert.equal(roundTrip(s, 3).back, 3);
    assert.equal(roundTrip(s, "x").back, "x");
  });

  test("a value accepted by two variants is an ambiguity error", () => {
    assertFlyteError(
      () => transformerFor(z.union([z.int(), z.number()])).toLiteral(3, inputPath()),
      "E_VALUE_TYPE",
      "task 't1' input 'a'",
      "ambiguous",
      "INTEGER",
      "FLOAT",
    );
  });

  test("a value that only the wider variant takes is not ambiguous", () => {
    assert.equal(roundTrip(z.union([z.int(), z.number()]), 2.5).back, 2.5);
  });

  test("a value no variant accepts is rejected", () => {
    assertFlyteError(
      () => transformerFor(z.union([z.int(), z.string()])).toLiteral(true, inputPath()),
      "E_VALUE_TYPE",
      "input 'a'",
      "no union variant accepts it",
      "boolean true",
    );
  });

  test("struct variants are told apart by a discriminator", () => {
    const s = z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("circle"), r: z.number() }),
      z.object({ kind: z.literal("square"), side: z.number() }),
    ]);
    assert.equal(describeType(literalTypeOf(s)), "union<struct|struct>");
    assert.deepEqual(roundTrip(s, { kind: "square", side: 2 }).back, { kind: "square", side: 2 });
    assert.deepEqual(roundTrip(s, { kind: "circle", r: 1 }).back, { kind: "circle", r: 1 });
  });

  test("overlapping struct variants are ambiguous", () => {
    const s = z.union([z.object({ a: z.int() }), z.object({ a: z.int(), b: z.int().optional() })]);
    assertFlyteError(() => transformerFor(s).toLiteral({ a: 1 }, inputPath()), "E_VALUE_TYPE", "ambiguous");
  });

  test("a union with null reads none back as null", () => {
    const s = z.union([z.string(), z.null()]);
    assert.equal(describeType(literalTypeOf(s)), "union<STRING|NONE>");
    assert.equal(roundTrip(s, null).back, null);
  });

  test("an optional union flattens into one union", () => {
    const s = z.union([z.int(), z.string()]).optional();
    assert.equal(describeType(literalTypeOf(s)), "union<INTEGER|STRING|NONE>");
    assert.equal(roundTrip(s, "x").back, "x");
    assert.equal(roundTrip(s, undefined).back, undefined);
  });

  test("union values inside an object round-trip", () => {
    const s = z.object({ v: z.union([z.date(), z.int()]), w: z.union([z.string(), z.array(z.string())]) });
    const value = { v: new Date("2020-01-01T00:00:00Z"), w: ["a"] };
    assert.deepEqual(roundTrip(s, value).back, value);
    assert.deepEqual(roundTrip(s, { v: 4, w: "x" }).back, { v: 4, w: "x" });
  });

  test("a union literal is read with the variant its type names", () => {
    const s = z.union([z.int(), z.number()]);
    const floatLit = transformerFor(z.union([z.number(), z.string()])).toLiteral(2, inputPath());
    // The writer chose FLOAT; reading with INTEGER first in the list must still pick FLOAT.
    assert.equal(transformerFor(s).fromLiteral(floatLit, inputPath()), 2);
  });
});
