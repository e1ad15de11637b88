import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { attemptDataContext, removeAttemptDownloads } from "./data-context.ts";

test("an attempt's raw prefix and download folder are its own, the same on every read, and the folder is removed after the attempt", async () => {
  const a = attemptDataContext("e1", "n0", 0, "http://127.0.0.1:1/download/p/d/raw");
  const b = attemptDataContext("e1", "n0", 0, "http://127.0.0.1:1/download/p/d/raw");
  assert.equal(a.rawPrefix, a.rawPrefix);
  assert.notEqual(a.rawPrefix, b.rawPrefix);
  assert.ok(a.rawPrefix.startsWith("http://127.0.0.1:1/download/p/d/raw/"));
  assert.equal(a.rawBase, "http://127.0.0.1:1/download/p/d/raw");
  const root = a.downloadRoot as string;
  assert.equal(a.downloadRoot, root);
  assert.notEqual(b.downloadRoot, root);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "f.txt"), "x");
  await removeAttemptDownloads(a);
  assert.equal(existsSync(root), false);
  // A context whose folder was never named has nothing to remove.
  await removeAttemptDownloads(attemptDataContext("e1", "n1", 0));
});

test("attempts with one raw-output base share its stores; another base has its own", () => {
  const base = "http://127.0.0.1:1/download/p/d/raw";
  const a = attemptDataContext("e1", "n0", 0, base);
  const b = attemptDataContext("e1", "n1", 0, base);
  assert.equal(a.stores, b.stores, "made once per base, not per attempt");
  assert.equal(a.stores[0]?.accepts(`${base}/x/y`), true);
  const other = attemptDataContext("e1", "n0", 0, "http://127.0.0.1:2/download/p/d/raw");
  assert.notEqual(other.stores, a.stores);
  assert.equal(other.stores[0]?.accepts(`${base}/x/y`), false, "a store accepts its own server's objects only");
});
