// The structural compare of decoded messages says what protobuf-es's `equals` says.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { sameDecoded } from "./same-decoded.ts";

const base: MessageInitShape<typeof TaskTemplateSchema> = {
  id: { project: "p", domain: "d", name: "same.inc", version: "v1" },
  type: "typescript-task",
  metadata: { retries: { retries: 2 }, timeout: { seconds: 30n, nanos: 5 }, discoverable: true, tags: { team: "a" } },
  config: { k: "v" },
  target: { case: "container", value: { image: "img", args: ["flyte", "execute", "--", "task-module", "m", "task-name", "inc"] } },
  custom: { n: 1, nested: { list: ["a", true] } },
};
/** A template as a session message decodes it. */
const decoded = (init: MessageInitShape<typeof TaskTemplateSchema>): TaskTemplate => fromBinary(TaskTemplateSchema, toBinary(TaskTemplateSchema, create(TaskTemplateSchema, init)));

/** One change each, at every kind of value a decoded message holds. */
const variants: Record<string, (t: TaskTemplate) => void> = {
  "a string": (t) => (t.type = "other"),
  "a nested message's string": (t) => (t.id!.version = "v2"),
  "a list element": (t) => {
    if (t.target.case === "container") t.target.value.args[6] = "dec";
  },
  "a list's length": (t) => {
    if (t.target.case === "container") t.target.value.args.push("extra");
  },
  "a 64-bit integer": (t) => (t.metadata!.timeout!.seconds = 31n),
  "a number": (t) => (t.metadata!.timeout!.nanos = 6),
  "a boolean": (t) => (t.metadata!.discoverable = false),
  "a map value": (t) => (t.config["k"] = "w"),
  "a map key": (t) => {
    delete t.config["k"];
    t.config["j"] = "v";
  },
  "a oneof's case": (t) => (t.target = { case: undefined }),
  "JSON value (a Struct)": (t) => (t.custom = { n: 1, nested: { list: ["a", false] } }),
  "an unset message": (t) => (t.metadata = undefined),
};

test("two decodings of one template are the same", () => {
  assert.equal(sameDecoded(decoded(base), decoded(base)), true);
  assert.equal(equals(TaskTemplateSchema, decoded(base), decoded(base)), true);
});

for (const [what, change] of Object.entries(variants)) {
  test(`a template with another ${what} is not the same, as protobuf-es's equals says`, () => {
    const changed = decoded(base);
    change(changed);
    // Decoded again too: the session hands the worker decoded messages only.
    const again = fromBinary(TaskTemplateSchema, toBinary(TaskTemplateSchema, changed));
    for (const other of [changed, again]) {
      assert.equal(equals(TaskTemplateSchema, decoded(base), other), false, "the variant differs");
      assert.equal(sameDecoded(decoded(base), other), false);
      assert.equal(sameDecoded(other, decoded(base)), false);
    }
  });
}

test("unknown fields count (they are in the bytes a template encodes to; protobuf-es's equals skips them by default)", () => {
  const withUnknown = decoded(base);
  withUnknown.$unknown = [{ no: 99, wireType: 2, data: new Uint8Array([1, 7]) }];
  const again = fromBinary(TaskTemplateSchema, toBinary(TaskTemplateSchema, withUnknown));
  assert.equal(sameDecoded(decoded(base), again), false);
  assert.equal(sameDecoded(again, fromBinary(TaskTemplateSchema, toBinary(TaskTemplateSchema, again))), true);
});

test("bytes compare by content, not by identity or by the buffer around them", () => {
  const a = new Uint8Array([0, 1, 2, 3]).subarray(1, 3);
  assert.equal(sameDecoded({ b: a }, { b: new Uint8Array([1, 2]) }), true);
  assert.equal(sameDecoded({ b: a }, { b: new Uint8Array([1, 3]) }), false);
  assert.equal(sameDecoded({ b: a }, { b: [1, 2] }), false);
});
