import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { attemptDocumentPath, executionMetadataDir, nodeInputsPath, rawDataDir, uploadPath } from "./blob-layout.ts";
import { isBlobError, type BlobErrorCode } from "./blob-store.ts";
import { LocalBlobStore } from "./local-blob-store.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const blobError = (code: BlobErrorCode, message: RegExp) => (error: unknown) =>
  isBlobError(error) && error.code === code && message.test(error.message);

describe("LocalBlobStore", () => {
  let dir: string;
  let blobs: LocalBlobStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-blobs-"));
    blobs = new LocalBlobStore(join(dir, "root"));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a blob put under a nested path reads back, exists, and replaces the previous one", async () => {
    const path = "metadata/p-d-e1/n0/data/0/outputs.pb";
    assert.equal(await blobs.exists(path), false);
    await blobs.put(path, bytes("one"));
    await blobs.put(path, bytes("two"));
    assert.equal(text(await blobs.get(path)), "two");
    assert.equal(await blobs.exists(path), true);
    assert.equal(await blobs.exists("metadata/p-d-e1"), false, "folders are not blobs");
    assert.deepEqual(readdirSync(join(dir, "root/metadata/p-d-e1/n0/data/0")), ["outputs.pb"], "no temp file left behind");
  });

  test("missing blobs are reported with their path", async () => {
    await assert.rejects(blobs.get("uploads/x.tar"), blobError("E_BLOB_NOT_FOUND", /No blob at "uploads\/x.tar"/));
    assert.equal(await blobs.delete("uploads/x.tar"), false);
  });

  test("listing returns whole-segment matches under a prefix, sorted, without temp files", async () => {
    await blobs.put("a/b/2.pb", bytes("2"));
    await blobs.put("a/b/1.pb", bytes("1"));
    await blobs.put("a/bc/3.pb", bytes("3"));
    writeFileSync(join(dir, "root/a/b/.1.pb.abc.tmp"), "partial");
    assert.deepEqual(await blobs.list("a/b"), ["a/b/1.pb", "a/b/2.pb"]);
    assert.deepEqual(await blobs.list("a/b/"), ["a/b/1.pb", "a/b/2.pb"]);
    assert.deepEqual(await blobs.list("a/b/1.pb"), ["a/b/1.pb"]);
    assert.deepEqual(await blobs.list(""), ["a/b/1.pb", "a/b/2.pb", "a/bc/3.pb"]);
    assert.deepEqual(await blobs.list("nothing"), []);
    assert.equal(await blobs.delete("a/b/1.pb"), true);
    assert.deepEqual(await blobs.list("a/b"), ["a/b/2.pb"]);
  });

  test("paths that are absolute, climb with '..', or are not normalized are rejected with a clear error", async () => {
    const bad: [string, RegExp][] = [
      ["/etc/passwd", /is absolute/],
      ["C:/Windows", /is absolute/],
      ["../outside", /'\.\.' segment/],
      ["metadata/../../outside", /'\.\.' segment/],
      ["a/./b", /'\.' segment/],
      ["a//b", /empty segment/],
      ["a\\..\\b", /backslash/],
      ["a\0b", /NUL byte/],
      ["", /is empty/],
    ];
    for (const [path, why] of bad) {
      await assert.rejects(blobs.put(path, bytes("x")), blobError("E_BLOB_PATH", why), path);
      await assert.rejects(blobs.get(path), blobError("E_BLOB_PATH", why), path);
    }
    await assert.rejects(blobs.list("../"), blobError("E_BLOB_PATH", /'\.\.' segment/));
    assert.deepEqual(readdirSync(dir), [], "nothing was written anywhere");
  });

  test("without fsync a put is still atomic and readable", async () => {
    const fast = new LocalBlobStore(join(dir, "fast"), { fsync: false });
    await fast.put("x/y.pb", bytes("y"));
    assert.equal(text(await fast.get("x/y.pb")), "y");
  });
});

describe("blob layout", () => {
  const execution = { project: "flytesnacks", domain: "development", name: "a1b2" };

  test("paths follow Flyte's metadata layout", () => {
    assert.equal(executionMetadataDir(execution), "metadata/flytesnacks-development-a1b2");
    assert.equal(nodeInputsPath(execution, "n1-0-n2"), "metadata/flytesnacks-development-a1b2/n1-0-n2/data/inputs.pb");
    assert.equal(attemptDocumentPath(execution, "n0", 2, "error.pb"), "metadata/flytesnacks-development-a1b2/n0/data/2/error.pb");
    assert.equal(attemptDocumentPath(execution, "n0", 0, "deck.html"), "metadata/flytesnacks-development-a1b2/n0/data/0/deck.html");
    assert.equal(rawDataDir(execution, "n0", 1), "raw/flytesnacks-development-a1b2/n0/1");
    assert.equal(uploadPath("flytesnacks", "development", "abc123", "bundle.tgz"), "uploads/flytesnacks/development/abc123/bundle.tgz");
    assert.equal(executionMetadataDir({ project: "", domain: "", name: "local1" }), "metadata/local1");
  });

  test("node ids and names that are not one path segment are refused", () => {
    assert.throws(() => nodeInputsPath(execution, ".."), blobError("E_BLOB_PATH", /The node "\.\."/));
    assert.throws(() => nodeInputsPath(execution, "a/b"), blobError("E_BLOB_PATH", /contains '\/'/));
    assert.throws(() => uploadPath("p", "d", "x", "../../etc"), blobError("E_BLOB_PATH", /file name/));
    assert.throws(() => attemptDocumentPath(execution, "n0", -1, "outputs.pb"), /non-negative integer/);
  });
});
