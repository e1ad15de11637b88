import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodeMsgpack, encodeMsgpack } from "./msgpack.ts";
import { Float64 } from "./primitives.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

describe("msgpack", () => {
  test("known values encode to the bytes the msgpack spec gives", () => {
    const cases: [unknown, string][] = [
      [null, "c0"],
      [true, "c3"],
      [false, "c2"],
      [0, "00"],
      [127, "7f"],
      [128, "cc80"],
      [256, "cd0100"],
      [65536, "ce00010000"],
      [2 ** 32, "cf0000000100000000"],
      [-1, "ff"],
      [-32, "e0"],
      [-33, "d0df"],
      [-129, "d1ff7f"],
      [-32769, "d2ffff7fff"],
      [-(2 ** 31) - 1, "d3ffffffff7fffffff"],
      [1.5, "cb3ff8000000000000"],
      [new Float64(2), "cb4000000000000000"],
      ["a", "a161"],
      ["é", "a2c3a9"],
      [[1, 2], "920102"],
      [{ a: 1 }, "81a16101"],
    ];
    for (const [value, expected] of cases) assert.equal(hex(encodeMsgpack(value)), expected, JSON.stringify(value));
  });

  test("long strings, arrays and maps use their wider headers and round-trip", () => {
    const s = "x".repeat(40);
    assert.equal(hex(encodeMsgpack(s)).slice(0, 4), "d928");
    const long = "ü".repeat(70_000);
    assert.equal(decodeMsgpack(encodeMsgpack(long)), long);
    const arr = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(hex(encodeMsgpack(arr)).slice(0, 6), "dc0014");
    const obj = Object.fromEntries(arr.map((i) => [`k${i}`, i]));
    assert.deepEqual(decodeMsgpack(encodeMsgpack(obj)), obj);
  });

  test("nested JSON-like values round-trip", () => {
    const value = { name: "n", list: [1, -2, 3.25, null, true], nested: { deep: [{ x: "y" }] }, big: 2 ** 40, neg: -(2 ** 40) };
    assert.deepEqual(decodeMsgpack(encodeMsgpack(value)), value);
  });

  test("undefined entries in a map are left out", () => {
    assert.deepEqual(decodeMsgpack(encodeMsgpack({ a: 1, b: undefined })), { a: 1 });
  });

  test("float32, bin and integer map keys written by other encoders are read", () => {
    assert.equal(decodeMsgpack(bytes("ca3fc00000")), 1.5);
    assert.deepEqual(decodeMsgpack(bytes("c403010203")), new Uint8Array([1, 2, 3]));
    assert.deepEqual(decodeMsgpack(bytes("8101a161")), { "1": "a" });
  });

  test("64-bit integers beyond the safe range stay bigints", () => {
    assert.equal(decodeMsgpack(bytes("cf7fffffffffffffff")), 2n ** 63n - 1n);
  });

  test("a __proto__ key stays an own property", () => {
    const decoded = decodeMsgpack(bytes("81a95f5f70726f746f5f5f01")) as Record<string, unknown>;
    assert.equal(Object.hasOwn(decoded, "__proto__"), true);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  });

  test("truncated, trailing and extension data are rejected", () => {
    assert.throws(() => decodeMsgpack(bytes("a361")), /ends early/);
    assert.throws(() => decodeMsgpack(bytes("0101")), /trailing/);
    assert.throws(() => decodeMsgpack(bytes("d40100")), /extension/);
  });
});
