/**
 * Tasks of the data benchmark (data.ts): a file streamed through three tasks, and a wide dataframe
 * of which a task reads two columns.
 */
import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";
import { dataFrame, file, task, workflow } from "flytekit";

/** Streams its input file to its output: read from the store and written back, never held whole. */
export const bench_pass = task({ inputs: { f: file() }, outputs: file() }, ({ f }) => f.open());

export const bench_digest = task({ inputs: { f: file() }, outputs: z.string() }, async ({ f }) => {
  const hash = createHash("sha256");
  await pipeline(f.open(), hash);
  return hash.digest("hex");
});

export const bench_file_wf = workflow({ inputs: { f: file() }, outputs: z.string() }, ({ f }) => bench_digest({ f: bench_pass({ f: bench_pass({ f }) }) }));

/** `rows` × 20 columns: ten INT32 and ten DOUBLE. */
export const bench_wide_frame = task({ inputs: { rows: z.int() }, outputs: dataFrame() }, ({ rows }) => {
  const columns: Record<string, Int32Array | Float64Array> = {};
  for (let c = 0; c < 20; c++) {
    columns[`c${c}`] = c % 2 === 0 ? Int32Array.from({ length: rows }, (_, i) => (i * 7 + c) % 100_003) : Float64Array.from({ length: rows }, (_, i) => i * 0.25 + c);
  }
  return tableFromArrays(columns);
});

/** Reads two of the twenty columns; returns the bytes fetched, the file's size and a checksum. */
export const bench_two_columns = task({ inputs: { df: dataFrame() }, outputs: z.object({ bytesRead: z.int(), rows: z.int(), sum: z.number() }) }, async ({ df }) => {
  const t = await df.toArrow({ columns: ["c0", "c1"] });
  let sum = 0;
  for (const v of t.getChild("c0") ?? []) sum += Number(v);
  return { bytesRead: df.lastBytesRead, rows: t.numRows, sum };
});

export const bench_frame_wf = workflow({ inputs: { rows: z.int() }, outputs: z.object({ bytesRead: z.int(), rows: z.int(), sum: z.number() }) }, ({ rows }) =>
  bench_two_columns({ df: bench_wide_frame({ rows }) }),
);
