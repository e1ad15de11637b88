import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { deepFreeze } from "./deep-freeze.ts";

test("a deep-frozen message refuses writes at every depth, byte fields aside", () => {
  const map = deepFreeze(
    create(LiteralMapSchema, {
      literals: {
        x: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: 1n } } } } } },
        b: { value: { case: "scalar", value: { value: { case: "binary", value: { value: new Uint8Array([1, 2]), tag: "t" } } } } },
      },
    }),
  );
  assert.throws(() => {
    (map.literals as Record<string, unknown>)["y"] = undefined;
  }, TypeError);
  const x = map.literals["x"];
  assert.ok(x !== undefined && x.value.case === "scalar" && x.value.value.value.case === "primitive");
  const primitive = x.value.value.value.value;
  assert.throws(() => {
    primitive.value = { case: "integer", value: 2n };
  }, TypeError);
  assert.ok(Object.isFrozen(map.literals["b"]));
});
