import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";
import { dataFrame, directory, file, FlyteFile, task, workflow } from "../index.ts";
import { FlyteError } from "../errors.ts";

// Every byte this suite writes stays in temporary folders.
const home = mkdtempSync(join(tmpdir(), "flyte-data-test-"));
process.env["XDG_DATA_HOME"] = join(home, "data");
process.env["XDG_CACHE_HOME"] = join(home, "cache");
const inputs = join(home, "inputs");
mkdirSync(inputs);
writeFileSync(join(inputs, "a.csv"), "x,y\n1,2\n3,4\n");

/** The message chain of an error (a failed run's cause holds the task's message). */
function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error || (typeof e === "object" && e !== null && "message" in e); e = (e as { cause?: unknown }).cause) {
    parts.push(String((e).message));
  }
  return parts.join(" <- ");
}

export const upper = task({ name: "data_upper", inputs: { f: file("csv") }, outputs: file("csv") }, async ({ f }) => {
  const out = join(mkdtempSync(join(home, "out-")), "upper.csv");
  writeFileSync(out, (await f.text()).toUpperCase());
  return out;
});
export const lines = task({ name: "data_lines", inputs: { f: file() }, outputs: z.int() }, async ({ f }) => (await f.text()).trim().split("\n").length);
export const files_wf = workflow({ name: "data_files_wf", inputs: { f: file("csv") }, outputs: [z.int(), file("csv")] }, ({ f }) => {
  const u = upper({ f });
  return [lines({ f: u }), u];
});

test("a file flows through tasks: a local path in, an uploaded file with its content hash out", async () => {
  const [n, out] = await files_wf({ f: join(inputs, "a.csv") });
  assert.equal(n, 3);
  assert.ok(FlyteFile.isFlyteFile(out));
  assert.match(out.uri, /^file:\/\/.*\/flyte\/local-data\/raw\/[0-9a-f]{2}\/.*\/upper\.csv$/, "written under the sharded raw-output layout");
  assert.match(out.hash ?? "", /^sha256:[0-9a-f]{64}$/);
  assert.equal(await out.text(), "X,Y\n1,2\n3,4\n");
  assert.equal(readFileSync(await out.download(), "utf8"), "X,Y\n1,2\n3,4\n");
});

export const parquet_in = task({ name: "data_parquet_in", inputs: { f: file("parquet") }, outputs: z.int() }, () => 1);
export const any_out = task({ name: "data_any_out", inputs: {}, outputs: file() }, () => join(inputs, "a.csv"));

test("formats are checked at compile time as Flyte does: csv does not feed parquet, a generic file feeds either", async () => {
  const bad = workflow({ name: "data_bad_format", inputs: { f: file("csv") }, outputs: z.int() }, ({ f }) => parquet_in({ f: upper({ f }) }));
  await assert.rejects(bad({ f: join(inputs, "a.csv") }), (err: unknown) => err instanceof FlyteError && err.code === "E_COMPILE" && /E_MISMATCHING_TYPES/.test(err.message));
  const generic = workflow({ name: "data_generic_format", inputs: {}, outputs: [z.int(), z.int()] }, () => {
    const f = any_out({});
    return [parquet_in({ f }), lines({ f })];
  });
  assert.deepEqual(await generic({}), [1, 3]);
});

export const make_dir = task({ name: "data_make_dir", inputs: {}, outputs: directory() }, () => {
  const d = mkdtempSync(join(home, "dir-"));
  mkdirSync(join(d, "sub"));
  writeFileSync(join(d, "sub", "x.txt"), "x");
  writeFileSync(join(d, "y.txt"), "yy");
  return d;
});
export const list_dir = task({ name: "data_list_dir", inputs: { d: directory() }, outputs: z.array(z.string()) }, async ({ d }) => {
  const files = await d.list();
  return Promise.all(files.map(async (f) => `${f.uri.slice(d.uri.length + 1)}=${await f.text()}`));
});

test("a directory returned as a local folder is uploaded file by file and listed downstream", async () => {
  const wf = workflow({ name: "data_dir_wf", inputs: {}, outputs: z.array(z.string()) }, () => list_dir({ d: make_dir({}) }));
  assert.deepEqual(await wf({}), ["sub/x.txt=x", "y.txt=yy"]);
});

export const make_df = task(
  { name: "data_make_df", inputs: { n: z.int() }, outputs: dataFrame({ columns: { a: z.int(), b: z.string() } }) },
  ({ n }) =>
    tableFromArrays({
      a: Int32Array.from({ length: n }, (_, i) => i),
      b: Array.from({ length: n }, (_, i) => `s${i % 7}`),
      c: Float64Array.from({ length: n }, (_, i) => i / 2),
    }),
);
export const sum_a = task({ name: "data_sum_a", inputs: { df: dataFrame({ columns: { a: z.int() } }) }, outputs: [z.number(), z.int(), z.int()] }, async ({ df }) => {
  const some = await df.toArrow({ columns: ["a"] });
  const someBytes = df.lastBytesRead;
  const all = await df.toArrow();
  let s = 0;
  for (const v of some.getChild("a") ?? []) s += Number(v);
  return [s, all.numCols, someBytes < df.lastBytesRead ? 1 : 0];
});

test("an Arrow table returned is written as Parquet; reading one column reads fewer bytes than all", async () => {
  const wf = workflow({ name: "data_df_wf", inputs: { n: z.int() }, outputs: [z.number(), z.int(), z.int()] }, ({ n }) => sum_a({ df: make_df({ n }) }));
  assert.deepEqual(await wf({ n: 1000 }), [499500, 3, 1]);
});

test("column types are checked at compile time where both sides declare them", async () => {
  const wants_d = task({ name: "data_wants_d", inputs: { df: dataFrame({ columns: { d: z.int() } }) }, outputs: z.int() }, () => 0);
  const wf = workflow({ name: "data_df_columns_wf", inputs: {}, outputs: z.int() }, () => wants_d({ df: make_df({ n: 1 }) }));
  await assert.rejects(wf({}), (err: unknown) => err instanceof FlyteError && err.code === "E_COMPILE");
});

test("bad input: a missing file names the input", async () => {
  await assert.rejects(lines({ f: join(inputs, "nope.csv") }), (err: unknown) => {
    assert.ok(err instanceof FlyteError);
    assert.match(messageOf(err), /input 'f'.*no file or folder at '.*nope\.csv'/);
    return true;
  });
});

test("bad input: a file of the wrong format names the input", async () => {
  writeFileSync(join(inputs, "b.parquet"), "not really");
  await assert.rejects(upper({ f: join(inputs, "b.parquet") }), (err: unknown) => /E_DATA_FORMAT|declared as a file\("csv"\)/.test(messageOf(err)) && /input 'f'/.test(messageOf(err)));
});

test("bad input: a corrupt Parquet file names the input", async () => {
  const dir = mkdtempSync(join(home, "corrupt-"));
  writeFileSync(join(dir, "00000"), "PAR1 this is not parquet at all");
  await assert.rejects(sum_a({ df: dir }), (err: unknown) => /input 'df'.*not a Parquet file/.test(messageOf(err)));
});

test("bad input: a URI outside the allowed stores names the input", async () => {
  await assert.rejects(lines({ f: "s3://bucket/data.csv" }), (err: unknown) => {
    assert.match(messageOf(err), /input 'f': 's3:\/\/bucket\/data\.csv' is outside the stores this run may use/);
    return true;
  });
});

export const cut_off = task({ name: "data_cut_off", inputs: {}, outputs: file() }, () => {
  let sent = 0;
  return new Readable({
    read() {
      if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, 1));
      else this.destroy(new Error("connection reset halfway"));
    },
  });
});

test("bad output: a stream cut off halfway fails naming the output and leaves nothing behind", async () => {
  await assert.rejects(cut_off({}), (err: unknown) => /output 'o0'.*connection reset halfway/.test(messageOf(err)));
  const leftovers = readdirSync(join(home, "data"), { recursive: true }).map(String).filter((p) => /(^|\/)data(\.[0-9a-f]+\.part)?$/.test(p));
  assert.deepEqual(leftovers, [], "no partial object is kept");
});

let hashedRuns = 0;
export const cached_lines = task({ name: "data_cached_lines", cache: { version: "1" }, inputs: { f: file() }, outputs: z.int() }, async ({ f }) => {
  hashedRuns++;
  return (await f.text()).split("\n").length;
});

test("cache keys use the content hash: the same data under a new path hits", async () => {
  const a = join(mkdtempSync(join(home, "c1-")), "one.txt");
  const b = join(mkdtempSync(join(home, "c2-")), "two.txt");
  const content = `cache me ${Date.now()}\nline`;
  writeFileSync(a, content);
  writeFileSync(b, content);
  assert.equal(await cached_lines({ f: a }), 2);
  assert.equal(await cached_lines({ f: b }), 2);
  assert.equal(hashedRuns, 1, "the second run is a cache hit");
  writeFileSync(b, `${content}\nmore`);
  assert.equal(await cached_lines({ f: b }), 3, "changed content misses");
});
