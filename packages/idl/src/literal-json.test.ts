import assert from "node:assert/strict";
import { test } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { LiteralSchema, type Literal, type ScalarSchema } from "./gen/flyteidl/core/literals_pb.js";
import { literalMapToJson, literalToJson } from "./literal-json.ts";

const scalar = (value: NonNullable<MessageInitShape<typeof ScalarSchema>["value"]>): Literal => create(LiteralSchema, { value: { case: "scalar", value: { value } } });
const binary = (tag: string, value: Uint8Array): Literal => scalar({ case: "binary", value: { tag, value } });

test("a msgpack binary (a struct as flytekit sends it) reads as its JSON value", () => {
  // {"x": 1, "label": "a"} in MessagePack.
  const bytes = Uint8Array.from([0x82, 0xa1, 0x78, 0x01, 0xa5, 0x6c, 0x61, 0x62, 0x65, 0x6c, 0xa1, 0x61]);
  assert.deepEqual(literalToJson(binary("msgpack", bytes)), { x: 1, label: "a" });
});

test("other binaries, and msgpack that cannot be read, show as base64 with their tag", () => {
  assert.deepEqual(literalToJson(binary("pickle", Uint8Array.from([1, 2, 3]))), { binary: "AQID", tag: "pickle" });
  assert.deepEqual(literalToJson(binary("msgpack", Uint8Array.from([0xc7, 0x01, 0x01, 0x00]))), { binary: "xwEBAA==", tag: "msgpack" });
});

test("files and dataframes are their URIs; offloaded literals say where they are", () => {
  const file = scalar({ case: "blob", value: { uri: "s3://bucket/a.csv", metadata: { type: {} } } });
  const frame = scalar({ case: "structuredDataset", value: { uri: "s3://bucket/df" } });
  const offloaded = create(LiteralSchema, { value: { case: "offloadedMetadata", value: { uri: "s3://bucket/big.pb" } } });
  assert.deepEqual(literalMapToJson({ $typeName: "flyteidl.core.LiteralMap", literals: { file, frame, offloaded } }), { file: "s3://bucket/a.csv", frame: "s3://bucket/df", offloaded: { offloaded: "s3://bucket/big.pb" } });
});

test("primitives, collections and maps read as themselves", () => {
  const int = (n: bigint): Literal => scalar({ case: "primitive", value: { value: { case: "integer", value: n } } });
  const list = create(LiteralSchema, { value: { case: "collection", value: { literals: [int(1n), int(2n ** 60n)] } } });
  assert.deepEqual(literalToJson(list), [1, "1152921504606846976"]);
  assert.equal(literalToJson(undefined), null);
});
