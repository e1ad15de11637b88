// The launch form's values: every input type becomes the literal its Flyte type calls for, bad
// values are refused naming the input path, and literals prefill the form again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BlobType_BlobDimensionality, LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { emptyValue, FormValueError, literalOf, parseDuration, takesOneFile, valueOf } from "../packages/console/src/launch/form-values.ts";
import { literalToJson } from "../packages/console/src/lib/literals.ts";

const simple = (value: SimpleType): LiteralType => create(LiteralTypeSchema, { type: { case: "simple", value } });
const INT = simple(SimpleType.INTEGER);
const FLOAT = simple(SimpleType.FLOAT);
const STRING = simple(SimpleType.STRING);
const NONE = simple(SimpleType.NONE);
const listOf = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "collectionType", value: t } });
const mapOf = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "mapValueType", value: t } });
const unionOf = (...variants: LiteralType[]): LiteralType => create(LiteralTypeSchema, { type: { case: "unionType", value: { variants } } });
const POINT = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.STRUCT }, structure: { dataclassType: { x: INT, label: unionOf(STRING, NONE) } } });

test("durations are read as people write them", () => {
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("10m"), 600_000);
  assert.equal(parseDuration("45s"), 45_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("2"), 2000);
  assert.equal(parseDuration("soon"), undefined);
  assert.equal(parseDuration(""), undefined);
});

test("values become literals of their types, and read back as the same values", () => {
  const cases: [LiteralType, Parameters<typeof literalOf>[0], unknown][] = [
    [INT, "42", 42],
    [FLOAT, "2.5", 2.5],
    [listOf(INT), ["1", "2"], [1, 2]],
    [mapOf(FLOAT), { entries: [["a", "1.5"]] }, { a: 1.5 }],
    [unionOf(STRING, NONE), { variant: 0, value: "hi" }, "hi"],
    [unionOf(STRING, NONE), { variant: 1, value: null }, null],
    [POINT, { fields: { x: "7", label: { variant: 1, value: null } } }, { x: 7 }],
  ];
  for (const [type, value, json] of cases) {
    const literal = literalOf(value, type, "input");
    assert.deepEqual(literalToJson(literal), json);
    assert.deepEqual(literalToJson(literalOf(valueOf(literal, type), type, "input")), json, "prefilling from the literal gives the same value");
  }
});

test("bad values are refused naming the input path and what is expected", () => {
  const refused = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof FormValueError);
      return e.message;
    }
    return assert.fail("expected a FormValueError");
  };
  assert.equal(refused(() => literalOf("1.5", INT, "count")), "count: expected a whole number (int), got '1.5'");
  assert.equal(refused(() => literalOf({ fields: { x: "x" } }, POINT, "point")), "point.x: expected a whole number (int), got 'x'");
  assert.equal(refused(() => literalOf(["1", ""], listOf(FLOAT), "xs")), "xs[1]: expected a number (float), got ''");
  assert.match(refused(() => literalOf({ entries: [["a", "1"], ["a", "2"]] }, mapOf(INT), "m")), /^m: the key 'a' is given twice$/);
});

test("new fields start empty, optional ones as none", () => {
  assert.deepEqual(emptyValue(unionOf(STRING, NONE)), { variant: 1, value: null });
  assert.deepEqual(emptyValue(POINT), { fields: { x: "", label: { variant: 1, value: null } } });
  assert.deepEqual(emptyValue(listOf(INT)), []);
});

test("files, directories and dataframes are given as URIs, kept with the type's format, and refused when missing", () => {
  const csv = create(LiteralTypeSchema, { type: { case: "blob", value: { format: "csv", dimensionality: BlobType_BlobDimensionality.SINGLE } } });
  const folder = create(LiteralTypeSchema, { type: { case: "blob", value: { format: "", dimensionality: BlobType_BlobDimensionality.MULTIPART } } });
  const frame = create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: { format: "parquet", columns: [] } } });
  const uri = "http://127.0.0.1:8089/download/p/d/inputs/content/ab/amounts.csv";
  const file = literalOf(uri, csv, "csv");
  assert.equal(file.value.case === "scalar" && file.value.value.value.case === "blob" ? file.value.value.value.value.metadata?.type?.format : "", "csv");
  assert.equal(valueOf(file, csv), uri, "relaunch prefills the earlier URI");
  const dir = literalOf(`${uri}-dir/`, folder, "dir");
  assert.equal(dir.value.case === "scalar" && dir.value.value.value.case === "blob" ? dir.value.value.value.value.metadata?.type?.dimensionality : undefined, BlobType_BlobDimensionality.MULTIPART);
  const df = literalOf(uri, frame, "df");
  assert.equal(df.value.case === "scalar" && df.value.value.value.case === "structuredDataset" ? df.value.value.value.value.metadata?.structuredDatasetType?.format : "", "parquet");
  assert.equal(valueOf(df, frame), uri);
  assert.equal(emptyValue(csv), "");
  assert.ok(takesOneFile(csv) && takesOneFile(frame) && !takesOneFile(folder));
  assert.throws(() => literalOf("", csv, "csv"), /^FormValueError: csv: choose a local file to upload or give the URI of a file \(csv\)/);
  assert.throws(() => literalOf("", folder, "dir"), /^FormValueError: dir: choose a local folder to upload or give the URI of a /);
  assert.throws(() => literalOf("amounts.csv", csv, "csv"), /csv: expected a URI such as http:\/\/<server>\/download\/\.\.\., got 'amounts.csv'/);
});
