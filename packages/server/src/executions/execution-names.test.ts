import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkExecutionName, generateExecutionName } from "./execution-names.ts";

describe("generated execution names", () => {
  test("have FlyteAdmin's shape: 'a' and 19 characters of rand.String's alphabet, a valid name", () => {
    for (let i = 0; i < 100; i++) {
      const name = generateExecutionName();
      assert.match(name, /^a[bcdfghjklmnpqrstvwxz2456789]{19}$/);
      checkExecutionName(name);
    }
  });

  test("sort in the order they were made, a millisecond apart or years apart", () => {
    const times = [0, 1, 2, 26, 27, 28, 1_000, 1_764_000_000_000, 1_764_000_000_001, 1_764_000_086_400, 4_102_444_800_000];
    const names = times.map((time) => generateExecutionName(time));
    assert.deepEqual([...names].sort(), names);
  });

  test("made in the same millisecond, differ in their random part", () => {
    const names = new Set(Array.from({ length: 1_000 }, () => generateExecutionName(1_764_000_000_000)));
    assert.equal(names.size, 1_000);
  });
});
