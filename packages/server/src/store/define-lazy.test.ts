import assert from "node:assert/strict";
import { test } from "node:test";
import { defineLazy } from "./define-lazy.ts";

test("a lazy field is decoded on first read only, then kept", () => {
  let decodes = 0;
  const record = defineLazy({ id: "e" }, "inputs", () => ({ decoded: ++decodes }));
  assert.equal(decodes, 0, "nothing decoded before the first read");
  const first = record.inputs;
  assert.deepEqual(first, { decoded: 1 });
  assert.equal(record.inputs, first);
  assert.equal(decodes, 1);
});

test("a lazy field is enumerable like the plain field it stands for", () => {
  const record = defineLazy({ id: "e" }, "closure", () => "decoded");
  assert.deepEqual(Object.keys(record), ["id", "closure"]);
  assert.deepEqual({ ...record }, { id: "e", closure: "decoded" });
});

test("assigning a lazy field replaces it without decoding", () => {
  let decodes = 0;
  const record = defineLazy({ id: "e" }, "outputs", (): string => `decoded ${++decodes}`);
  record.outputs = "assigned";
  assert.equal(record.outputs, "assigned");
  assert.equal(decodes, 0);
});

test("a decoded undefined counts as decoded", () => {
  let decodes = 0;
  const record = defineLazy({}, "maybe", (): string | undefined => void decodes++);
  assert.equal(record.maybe, undefined);
  assert.equal(record.maybe, undefined);
  assert.equal(decodes, 1);
});
