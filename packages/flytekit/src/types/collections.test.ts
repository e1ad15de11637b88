import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { describeType } from "./describe.ts";
import { assertFlyteError, inputPath, roundTrip } from "./test-support.ts";
import { literalTypeOf, transformerFor } from "./transformer.ts";

describe("collections and maps", () => {
  test("z.array(z.string()) is a collection of STRING", () => {
    const lt = literalTypeOf(z.array(z.string()));
    assert.equal(lt.type.case, "collectionType");
    assert.equal(describeType(lt), "list<STRING>");
  });

  test("z.record(z.string(), z.number()) is a map of FLOAT", () => {
    const lt = literalTypeOf(z.record(z.string(), z.number()));
    assert.equal(lt.type.case, "mapValueType");
    assert.equal(describeType(lt), "map<FLOAT>");
  });

  test("an array becomes a collection literal and reads back equal", () => {
    const { literal, back } = roundTrip(z.array(z.int()), [1, 2, 3]);
    assert.equal(literal.value.case, "collection");
    assert.ok(literal.value.case === "collection");
    assert.equal(literal.value.value.literals.length, 3);
    assert.deepEqual(back, [1, 2, 3]);
  });

  test("an empty array and an empty record round-trip", () => {
    assert.deepEqual(roundTrip(z.array(z.string()), []).back, []);
    assert.deepEqual(roundTrip(z.record(z.string(), z.int()), {}).back, {});
  });

  test("a record becomes a map literal keyed by its keys", () => {
    const { literal, back } = roundTrip(z.record(z.string(), z.boolean()), { x: true, "odd key": false });
    assert.ok(literal.value.case === "map");
    assert.deepEqual(Object.keys(literal.value.value.literals).sort(), ["odd key", "x"]);
    assert.deepEqual(back, { x: true, "odd key": false });
  });

  test("a record with enum keys is a map", () => {
    const s = z.record(z.enum(["a", "b"]), z.int());
    assert.deepEqual(roundTrip(s, { a: 1, b: 2 }).back, { a: 1, b: 2 });
  });

  test("nested lists, records of lists and lists of dates round-trip", () => {
    assert.deepEqual(roundTrip(z.array(z.array(z.int())), [[1], [], [2, 3]]).back, [[1], [], [2, 3]]);
    const rec = z.record(z.string(), z.array(z.string()));
    assert.deepEqual(roundTrip(rec, { a: ["x"], b: [] }).back, { a: ["x"], b: [] });
    assert.equal(describeType(literalTypeOf(rec)), "map<list<STRING>>");
    const dates = [new Date(0), new Date("2030-01-01T00:00:00Z")];
    assert.deepEqual(roundTrip(z.array(z.date()), dates).back, dates);
  });

  test("a bad element is reported with its index", () => {
    assertFlyteError(
      () => transformerFor(z.array(z.string())).toLiteral(["a", "b", 5], { entity: "t1", side: "output", variable: "o0" }),
      "E_VALUE_TYPE",
      "task 't1' output 'o0'[2]: expected a string, got number 5",
    );
  });

  test("a bad record value is reported with its key", () => {
    assertFlyteError(
      () => transformerFor(z.record(z.string(), z.int())).toLiteral({ ok: 1, "bad key": "x" }, inputPath()),
      "E_VALUE_TYPE",
      'input \'a\'["bad key"]: expected an integer',
    );
  });

  test("array length checks apply", () => {
    assertFlyteError(() => transformerFor(z.array(z.int()).min(1)).toLiteral([], inputPath()), "E_VALUE_TYPE", "input 'a'");
  });

  test("a wrong literal inside a collection is reported with its index", () => {
    const str = create(LiteralSchema, {
      value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "x" } } } } },
    });
    const one = transformerFor(z.array(z.int())).toLiteral([1], inputPath());
    assert.ok(one.value.case === "collection");
    const bad = create(LiteralSchema, { value: { case: "collection", value: { literals: [...one.value.value.literals, str] } } });
    assertFlyteError(() => transformerFor(z.array(z.int())).fromLiteral(bad, inputPath()), "E_VALUE_TYPE", "input 'a'[1]: expected an INTEGER literal");
  });

  test("a scalar literal where a map is expected is rejected", () => {
    const lit = transformerFor(z.int()).toLiteral(1, inputPath());
    assertFlyteError(() => transformerFor(z.record(z.string(), z.int())).fromLiteral(lit, inputPath()), "E_VALUE_TYPE", "expected a map literal");
  });
});
