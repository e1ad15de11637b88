/** The console's own SHA-256 (lib/sha256.ts), fed in pieces, against node:crypto. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { Sha256, sha256OfBlob } from "../packages/console/src/lib/sha256.ts";

const reference = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

test("digests match node:crypto at every length around the block and padding edges", () => {
  for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096 + 7]) {
    const bytes = randomBytes(length);
    assert.equal(new Sha256().update(bytes).hex(), reference(bytes), `length ${length}`);
  }
  assert.equal(new Sha256().update(new TextEncoder().encode("abc")).hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("any split of the input into pieces gives the same digest", () => {
  const bytes = randomBytes(10_000);
  for (const piece of [1, 7, 63, 64, 65, 999, 4096]) {
    const hash = new Sha256();
    for (let at = 0; at < bytes.length; at += piece) hash.update(bytes.subarray(at, at + piece));
    assert.equal(hash.hex(), reference(bytes), `pieces of ${piece}`);
  }
});

test("a blob is hashed slice by slice, never read whole", async () => {
  const bytes = randomBytes(1_000_003);
  const blob = new Blob([bytes]);
  let largest = 0;
  const sliced = { size: blob.size, slice: (start: number, end: number) => ((largest = Math.max(largest, end - start)), blob.slice(start, end)) };
  assert.equal(await sha256OfBlob(sliced, 65_536), reference(bytes));
  assert.equal(largest, 65_536, "read 64 KiB at a time");
  assert.equal(await sha256OfBlob(new Blob([])), reference(new Uint8Array(0)), "an empty file");
});
