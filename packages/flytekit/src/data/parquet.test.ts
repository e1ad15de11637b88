import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { makeVector, tableFromArrays, vectorFromArray, Int64, Table, Utf8, Float32 } from "apache-arrow";
import { parquetMetadataAsync } from "hyparquet";
import { FileStore, fileUriOf } from "./file-store.ts";
import { rangeFile, readParquet, writeParquet } from "./parquet.ts";
import type { DataStore, WriteResult } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-parquet-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const store = new FileStore();

test("a table written in several row groups reads back equal, every type, with nulls", async () => {
  const n = 2_500;
  const table = new Table({
    i32: makeVector(Int32Array.from({ length: n }, (_, i) => i - 1000)),
    i64: makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 10_000_000_000n)),
    u8: makeVector(Uint8Array.from({ length: n }, (_, i) => i % 256)),
    f32: vectorFromArray(Array.from({ length: n }, (_, i) => i / 4), new Float32()),
    f64: makeVector(Float64Array.from({ length: n }, (_, i) => i * 0.5)),
    s: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `row ${i}`)), new Utf8()),
    n64: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : BigInt(i))), new Int64()),
    b: vectorFromArray(Array.from({ length: n }, (_, i) => i % 3 === 0)),
  });
  const uri = fileUriOf(join(dir, "types.parquet"));
  const size = await writeParquet(table, store, uri, "test", { rowsPerGroup: 1_000 });
  assert.equal(size, await store.size(uri));
  const meta = await parquetMetadataAsync((await rangeFile(store, uri)).buffer);
  assert.deepEqual(meta.row_groups.map((g) => Number(g.num_rows)), [1000, 1000, 500], "one row group per 1000 rows");
  const { table: back } = await readParquet(store, uri, "test");
  assert.equal(back.numRows, n);
  for (const name of ["i32", "u8", "f32", "f64", "s", "b"] as const) {
    assert.deepEqual([...(back.getChild(name) ?? [])], [...(table.getChild(name) ?? [])], `column ${name}`);
  }
  assert.deepEqual([...(back.getChild("i64") ?? [])], [...(table.getChild("i64") ?? [])]);
  assert.deepEqual([...(back.getChild("n64") ?? [])], [...(table.getChild("n64") ?? [])]);
});

test("reading two of twenty columns fetches a small part of the file", async () => {
  const rows = 50_000;
  const columns: Record<string, Int32Array | Float64Array> = {};
  for (let c = 0; c < 20; c++) columns[`c${c}`] = c % 2 === 0 ? Int32Array.from({ length: rows }, (_, i) => (i * 7 + c) % 100_003) : Float64Array.from({ length: rows }, (_, i) => i * 0.25 + c);
  const uri = fileUriOf(join(dir, "wide.parquet"));
  const size = await writeParquet(tableFromArrays(columns), store, uri, "test", { rowsPerGroup: 20_000 });
  const { table, bytesRead } = await readParquet(store, uri, "test", ["c0", "c1"]);
  assert.equal(table.numRows, rows);
  assert.equal(table.getChild("c1")?.get(rows - 1), (rows - 1) * 0.25 + 1);
  // The footer is fetched with a 512 KiB guess, so small files read a little more than the two columns.
  assert.ok(bytesRead < size / 3, `read ${bytesRead} of ${size} bytes for 2 of 20 columns`);
});

test("a store that fails mid-write fails the write with its error", async () => {
  const failing: DataStore = {
    description: "a failing store",
    accepts: () => true,
    read: () => Promise.reject(new Error("no")),
    readRange: () => Promise.reject(new Error("no")),
    size: () => Promise.reject(new Error("no")),
    list: () => Promise.resolve([]),
    async write(_uri: string, body: Readable): Promise<WriteResult> {
      for await (const _chunk of body) throw new Error("disk full");
      return { size: 0 };
    },
  };
  const table = tableFromArrays({ a: Float64Array.from({ length: 300_000 }, Math.random) });
  await assert.rejects(writeParquet(table, failing, "x://y", "test", { rowsPerGroup: 50_000 }), /disk full/);
});
