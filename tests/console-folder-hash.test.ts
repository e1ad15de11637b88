// A folder uploaded from the launch form is stored under the content address `flyte run --remote`
// gives the same folder: the SHA-256 of `<relative path>\0sha256:<file's SHA-256>\n` per file, in
// order of relative path (flytekit's folderHash).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { folderHashOf } from "../packages/console/src/launch/folder-hash.ts";

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

test("a folder's hash is flytekit's: relative paths and file hashes, in path order", () => {
  const files = { "sub/b.txt": "beta", "a.txt": "alpha", "é.txt": "accent", "Z.txt": "upper" };
  const expected = createHash("sha256");
  for (const rel of Object.keys(files).sort()) expected.update(`${rel}\0sha256:${sha(files[rel as keyof typeof files])}\n`);
  const entries = Object.entries(files).map(([rel, body]) => ({ rel, hex: sha(body) }));
  assert.equal(folderHashOf(entries), expected.digest("hex"));
  assert.equal(folderHashOf([...entries].reverse()), folderHashOf(entries), "the order files are picked in does not matter");
});
