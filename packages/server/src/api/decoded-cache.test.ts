/** The bounded cache of decoded rows: what `forget` drops, and that it frees its share of the bound. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DecodedCache } from "./decoded-cache.ts";

test("a forgotten value is gone and its bytes are free again for others", () => {
  const cache = new DecodedCache<string>(100);
  cache.keep("a", "A", 60);
  cache.keep("b", "B", 40);
  cache.forget("a");
  cache.forget("missing"); // nothing kept under it: nothing happens
  assert.equal(cache.find("a"), undefined);
  cache.keep("c", "C", 60); // 100 with a gone: b stays
  assert.equal(cache.find("b"), "B");
  assert.equal(cache.find("c"), "C");
  assert.equal(cache.size, 2);
});
