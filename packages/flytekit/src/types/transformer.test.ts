import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralTypeSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { duration } from "./duration.ts";
import { assertFlyteError, inputPath, roundTrip } from "./test-support.ts";
import { literalTypeOf, transformerFor } from "./transformer.ts";

const site = { entity: "t1", side: "input", variable: "x" } as const;

describe("unsupported schemas", () => {
  const cases: [string, z.ZodType, string, string][] = [
    ["z.any()", z.any(), "'any'", "concrete schema"],
    ["z.bigint()", z.bigint(), "'bigint'", "z.int()"],
    ["z.tuple()", z.tuple([z.int(), z.string()]), "'tuple'", "z.object"],
    ["z.map()", z.map(z.string(), z.int()), "'map'", "z.record(z.string(), T)"],
    ["z.set()", z.set(z.int()), "'set'", "z.array(T)"],
    ["a transform", z.string().transform((s) => s.length), "'pipe'", ".refine()"],
    ["z.lazy()", z.lazy(() => z.string()), "'lazy'", "recursive"],
    ["z.file()", z.file(), "'file'", "file()"],
    ["a record with number keys", z.record(z.number(), z.int()), "'record'", "string keys"],
    ["a numeric enum", z.enum({ A: 1, B: 2 }), "'enum'", "strings"],
  ];
  for (const [name, schema, zodType, hint] of cases) {
    test(`${name} is rejected naming the entity, variable, zod type and an alternative`, () => {
      assertFlyteError(() => transformerFor(schema, site), "E_TYPE_UNSUPPORTED", "task 't1' input 'x'", zodType, hint);
    });
  }

  test("an unsupported type deep inside an object is located", () => {
    const s = z.object({ a: z.array(z.object({ b: z.bigint() })) });
    assertFlyteError(() => transformerFor(s, site), "E_TYPE_UNSUPPORTED", "input 'x'", ".a[].b", "'bigint'");
  });

  test("a self-referencing object schema is rejected instead of recursing forever", () => {
    const Node = z.object({
      name: z.string(),
      get children(): z.ZodArray<typeof Node> {
        return z.array(Node);
      },
    });
    assertFlyteError(() => transformerFor(Node, site), "E_TYPE_UNSUPPORTED", "recursive");
  });

  test("literalTypeOf raises the same error without a site", () => {
    assertFlyteError(() => literalTypeOf(z.bigint()), "E_TYPE_UNSUPPORTED", "'bigint'");
  });
});

describe("transformer cache and wire form", () => {
  test("the same schema object yields the same transformer", () => {
    const s = z.array(z.int());
    assert.equal(transformerFor(s), transformerFor(s));
  });

  test("a child schema shared by two parents gives both the same type", () => {
    const child = z.object({ n: z.int() });
    const a = literalTypeOf(z.array(child));
    const b = literalTypeOf(z.record(z.string(), child));
    assert.ok(a.type.case === "collectionType" && b.type.case === "mapValueType");
    assert.ok(equals(LiteralTypeSchema, a.type.value, b.type.value));
  });

  test("every row of the mapping survives protobuf binary unchanged, type and value", () => {
    const rows: [z.ZodType, unknown][] = [
      [z.int(), 1],
      [z.number(), 1.25],
      [z.string(), "s"],
      [z.boolean(), true],
      [z.date(), new Date(1_700_000_000_123)],
      [duration(), 90_000],
      [z.array(z.int()), [1, 2]],
      [z.record(z.string(), z.string()), { a: "b" }],
      [z.object({ a: z.int(), d: z.date(), o: z.string().optional() }), { a: 1, d: new Date(0) }],
      [z.enum(["x", "y"]), "y"],
      [z.int().optional(), undefined],
      [z.string().nullable(), null],
      [z.union([z.int(), z.string()]), "u"],
      [z.int().default(4), 9],
    ];
    for (const [schema, value] of rows) {
      const lt = literalTypeOf(schema);
      assert.ok(equals(LiteralTypeSchema, lt, fromBinary(LiteralTypeSchema, toBinary(LiteralTypeSchema, lt))));
      // roundTrip asserts the literal is unchanged through binary, then reads it back.
      assert.deepEqual(roundTrip(schema, value).back, value);
    }
  });

  test("a default applies when the value is undefined", () => {
    assert.equal(roundTrip(z.int().default(4), undefined).back, 4);
  });

  test("caller-supplied steps prefix the path in messages", () => {
    assertFlyteError(
      () => transformerFor(z.int()).toLiteral("x", { ...inputPath("xs"), steps: ["[3]"] }),
      "E_VALUE_TYPE",
      "task 't1' input 'xs'[3]: expected an integer, got string \"x\"",
    );
  });

  test("an entity given as a phrase is used verbatim", () => {
    assertFlyteError(
      () => transformerFor(z.int()).toLiteral("x", { entity: "workflow 'wf'", side: "output", variable: "o0" }),
      "E_VALUE_TYPE",
      "workflow 'wf' output 'o0': expected an integer",
    );
  });

  test("further issues are counted in the message", () => {
    const s = z.object({ a: z.int(), b: z.int() });
    assertFlyteError(() => transformerFor(s).toLiteral({ a: "x", b: "y" }, inputPath()), "E_VALUE_TYPE", ".a:", "and 1 more issue");
  });
});
