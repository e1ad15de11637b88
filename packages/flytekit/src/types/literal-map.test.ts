import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { defaultValueOf, isOptionalInput } from "./defaults.ts";
import { fromLiteralMap, toLiteralMap } from "./literal-map.ts";
import { assertFlyteError } from "./test-support.ts";

const inputs = {
  a: z.int(),
  b: z.string().default("hi"),
  c: z.array(z.number()).optional(),
  d: z.object({ when: z.date() }),
};

describe("literal maps", () => {
  test("named values convert to a literal map and back, through protobuf binary", () => {
    const values = { a: 1, b: "x", c: [1.5], d: { when: new Date(5) } };
    const lm = toLiteralMap(values, inputs, "t1", "input");
    assert.deepEqual(Object.keys(lm.literals).sort(), ["a", "b", "c", "d"]);
    const wire = fromBinary(LiteralMapSchema, toBinary(LiteralMapSchema, lm));
    assert.ok(equals(LiteralMapSchema, lm, wire));
    assert.deepEqual(fromLiteralMap(wire, inputs, "t1", "input"), values);
  });

  test("an omitted value with a default is stored as the default", () => {
    const lm = toLiteralMap({ a: 1, d: { when: new Date(0) } }, inputs, "t1", "input");
    const back = fromLiteralMap(lm, inputs, "t1", "input");
    assert.equal(back.b, "hi");
    assert.equal(Object.hasOwn(back, "c"), false);
  });

  test("literals missing from the map take defaults or stay absent when optional", () => {
    const lm = toLiteralMap({ a: 1, d: { when: new Date(0) } }, { a: z.int(), d: inputs.d }, "t1", "input");
    const back = fromLiteralMap(lm, inputs, "t1", "input");
    assert.deepEqual(back, { a: 1, b: "hi", d: { when: new Date(0) } });
  });

  test("a missing required value is an error naming the entity, side and variable", () => {
    assertFlyteError(() => toLiteralMap({ d: { when: new Date(0) } }, inputs, "t1", "input"), "E_VALUE_TYPE", "task 't1' input 'a' is missing", "INTEGER");
  });

  test("a literal missing for a required output is an error", () => {
    assertFlyteError(
      () => fromLiteralMap(create(LiteralMapSchema), { o0: z.string() }, "t1", "output"),
      "E_VALUE_TYPE",
      "task 't1' output 'o0' is missing",
    );
  });

  test("an unexpected name is an error listing the known ones", () => {
    assertFlyteError(() => toLiteralMap({ o0: 1, o9: 2 }, { o0: z.int() }, "t1", "output"), "E_VALUE_TYPE", "unexpected output 'o9'", "'o0'");
  });

  test("a bad value names the output and the path inside it", () => {
    assertFlyteError(
      () => toLiteralMap({ o0: [{ name: "a" }, { name: 5 }] }, { o0: z.array(z.object({ name: z.string() })) }, "t1", "output"),
      "E_VALUE_TYPE",
      "task 't1' output 'o0'[1].name: expected a string, got number 5",
    );
  });

  test("an unsupported schema is reported with the variable", () => {
    assertFlyteError(() => toLiteralMap({ x: 1n }, { x: z.bigint() }, "t1", "input"), "E_TYPE_UNSUPPORTED", "task 't1' input 'x'", "'bigint'");
  });
});

describe("optional inputs and defaults", () => {
  test("optional and defaulted schemas may be omitted, others may not", () => {
    assert.equal(isOptionalInput(z.int().optional()), true);
    assert.equal(isOptionalInput(z.int().default(1)), true);
    assert.equal(isOptionalInput(z.int().nullish()), true);
    assert.equal(isOptionalInput(z.int()), false);
    assert.equal(isOptionalInput(z.int().nullable()), false);
  });

  test("the default value is exposed, also through optional and nullable wrappers", () => {
    assert.deepEqual(defaultValueOf(z.string().default("x")), { has: true, value: "x" });
    assert.deepEqual(defaultValueOf(z.int().default(3).nullable()), { has: true, value: 3 });
    assert.deepEqual(defaultValueOf(z.int().optional()), { has: false });
    assert.deepEqual(defaultValueOf(z.int()), { has: false });
  });
});
