import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  LiteralTypeSchema,
  SimpleType,
  StructuredDatasetTypeSchema,
  StructuredDatasetType_DatasetColumnSchema,
  type LiteralType,
} from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { isCastable } from "./castable.ts";
import { BOOL, FLOAT, INT, NONE, STR, blob, dict, enumOf, list, simple, struct, tagged, union } from "./test-fixtures.ts";

function dataset(format: string, columns: Record<string, LiteralType>): LiteralType {
  return create(LiteralTypeSchema, {
    type: {
      case: "structuredDatasetType",
      value: create(StructuredDatasetTypeSchema, {
        format,
        columns: Object.entries(columns).map(([name, literalType]) => create(StructuredDatasetType_DatasetColumnSchema, { name, literalType })),
      }),
    },
  });
}

describe("isCastable: simple types", () => {
  test("identical simple types cast", () => {
    assert.equal(isCastable(INT, INT), true);
    assert.equal(isCastable(STR, STR), true);
  });
  test("INTEGER does not cast to FLOAT, as in Flyte's backend", () => {
    assert.equal(isCastable(INT, FLOAT), false);
    assert.equal(isCastable(FLOAT, INT), false);
  });
  test("metadata and annotations are ignored for simple types", () => {
    const annotated = create(LiteralTypeSchema, { ...INT, metadata: { note: "x" } });
    assert.equal(isCastable(annotated, INT), true);
  });
  test("NONE downstream accepts only NONE", () => {
    assert.equal(isCastable(NONE, NONE), true);
    assert.equal(isCastable(INT, NONE), false);
  });
});

describe("isCastable: enums", () => {
  test("an enum casts to STRING and a STRING to an enum", () => {
    assert.equal(isCastable(enumOf("red", "blue"), STR), true);
    assert.equal(isCastable(STR, enumOf("red", "blue")), true);
  });
  test("enums cast to each other only with the same values", () => {
    assert.equal(isCastable(enumOf("a", "b"), enumOf("a", "b")), true);
    assert.equal(isCastable(enumOf("a", "b"), enumOf("a", "c")), false);
  });
  test("an enum does not cast to INTEGER", () => {
    assert.equal(isCastable(enumOf("a"), INT), false);
  });
});

describe("isCastable: unions", () => {
  test("a plain type casts to a union with exactly one matching variant", () => {
    assert.equal(isCastable(INT, union(INT, STR)), true);
    assert.equal(isCastable(BOOL, union(INT, STR)), false);
  });
  test("a plain type matching two variants is ambiguous and rejected", () => {
    assert.equal(isCastable(STR, union(STR, enumOf("a"))), false);
  });
  test("every upstream variant must find a downstream variant", () => {
    assert.equal(isCastable(union(INT, STR), union(STR, INT, FLOAT)), true);
    assert.equal(isCastable(union(INT, BOOL), union(INT, STR)), false);
  });
  test("a single-variant union upstream is unwrapped", () => {
    assert.equal(isCastable(union(INT), INT), true);
    assert.equal(isCastable(union(INT), FLOAT), false);
  });
  test("NONE casts to an optional type", () => {
    assert.equal(isCastable(NONE, union(INT, NONE)), true);
  });
  test("variant tags must agree when both sides carry one", () => {
    assert.equal(isCastable(union(tagged(INT, "int")), union(tagged(INT, "int"), tagged(STR, "str"))), true);
    assert.equal(isCastable(tagged(INT, "int"), tagged(INT, "other")), false);
    assert.equal(isCastable(tagged(INT, "int"), INT), true);
  });
});

describe("isCastable: containers and blobs", () => {
  test("lists compare element types", () => {
    assert.equal(isCastable(list(INT), list(INT)), true);
    assert.equal(isCastable(list(INT), list(FLOAT)), false);
    assert.equal(isCastable(list(INT), INT), false);
  });
  test("a list of NONE (an empty list) fits any list", () => {
    assert.equal(isCastable(list(NONE), list(STR)), true);
  });
  test("maps compare value types and accept a map of NONE", () => {
    assert.equal(isCastable(dict(STR), dict(STR)), true);
    assert.equal(isCastable(dict(INT), dict(STR)), false);
    assert.equal(isCastable(dict(NONE), dict(STR)), true);
  });
  test("blob formats must be equal unless either is generic", () => {
    assert.equal(isCastable(blob("csv"), blob("csv")), true);
    assert.equal(isCastable(blob("csv"), blob("")), true);
    assert.equal(isCastable(blob(""), blob("parquet")), true);
    assert.equal(isCastable(blob("csv"), blob("parquet")), false);
  });
  test("a structured dataset downstream may take a subset of the upstream columns", () => {
    assert.equal(isCastable(dataset("parquet", { a: INT, b: STR }), dataset("parquet", { a: INT })), true);
    assert.equal(isCastable(dataset("parquet", { a: INT }), dataset("parquet", { c: INT })), false);
    assert.equal(isCastable(dataset("parquet", {}), dataset("csv", {})), false);
    assert.equal(isCastable(NONE, dataset("", {})), true);
  });
});

describe("isCastable: structs", () => {
  const point: JsonObject = {
    type: "object",
    title: "Point",
    properties: { x: { type: "integer" }, y: { type: "integer" } },
    required: ["x", "y"],
  };
  const point3: JsonObject = {
    type: "object",
    title: "Point3",
    properties: { x: { type: "integer" }, y: { type: "integer" }, z: { type: "integer" } },
    required: ["x", "y", "z"],
  };
  test("structs without a schema on either side cast", () => {
    assert.equal(isCastable(struct(), struct(point)), true);
    assert.equal(isCastable(struct(point), struct()), true);
  });
  test("structs with the same schema cast", () => {
    assert.equal(isCastable(struct(point), struct({ ...point })), true);
  });
  test("an upstream schema that is a superset of the downstream one casts, not the reverse", () => {
    assert.equal(isCastable(struct(point3), struct(point)), true);
    assert.equal(isCastable(struct(point), struct(point3)), false);
  });
  test("a required field with a different type does not cast", () => {
    const stringly = { ...point, properties: { x: { type: "string" }, y: { type: "integer" } } };
    assert.equal(isCastable(struct(stringly), struct(point)), false);
  });
  test("nested definitions are followed through $ref", () => {
    const outer = (inner: JsonObject): JsonObject => ({
      type: "object",
      properties: { p: { $ref: "#/$defs/P" } },
      required: ["p"],
      $defs: { P: inner },
    });
    assert.equal(isCastable(struct(outer(point3)), struct(outer(point))), true);
    assert.equal(isCastable(struct(outer(point)), struct(outer(point3))), false);
  });
  test("a struct does not cast to a different simple type", () => {
    assert.equal(isCastable(struct(), simple(SimpleType.BINARY)), false);
  });
});
