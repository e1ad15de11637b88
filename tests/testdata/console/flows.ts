// Workflows the console's browser tests drive: a typed launch form, a slow task with a log, a
// gate, a map task, sub-workflows (one inside another), a dynamic fan-out and join, a failing task
// (to recover), and files in
// and out (a CSV file, a dataframe, a report).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";
import { approve, dataFrame, directory, duration, dynamic, file, mapTask, task, workflow } from "flytekit";

const Point = z.object({ x: z.int(), y: z.number(), label: z.string().optional() });

/** Every input type the launch form handles, once: the task's inputs, and the workflow's with one default. */
const TYPED_INPUTS = {
  count: z.int(),
  ratio: z.number(),
  title: z.string(),
  loud: z.boolean(),
  when: z.date(),
  wait: duration(),
  size: z.enum(["small", "large"]),
  tags: z.array(z.string()),
  weights: z.record(z.string(), z.number()),
  point: Point,
  note: z.string().optional(),
};

export const describe_inputs = task({ name: "describe_inputs", inputs: TYPED_INPUTS, outputs: z.string() }, ({ count, ratio, title, loud, when, wait, size, tags, weights, point, note }) => {
  const text = `${title}:${count}:${ratio}:${loud}:${when.toISOString()}:${wait}:${size}:${tags.join("|")}:${JSON.stringify(weights)}:${point.x},${point.y}:${note ?? "none"}`;
  console.log(`describing ${text}`);
  return loud ? text.toUpperCase() : text;
});

export const typed_wf = workflow({ name: "typed_wf", inputs: { ...TYPED_INPUTS, count: z.int().default(3) }, outputs: z.string() }, (inputs) => describe_inputs(inputs));

export const slow = task({ name: "slow", inputs: { seconds: z.int() }, outputs: z.int() }, async ({ seconds }) => {
  for (let i = 0; i < seconds * 4; i++) {
    console.log(`tick ${i}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return seconds;
});

export const slow_wf = workflow({ name: "slow_wf", inputs: { seconds: z.int() }, outputs: z.int() }, ({ seconds }) => slow({ seconds }));

export const double = task({ name: "double", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);

export const gate_wf = workflow({ name: "gate_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  const value = double({ n });
  return approve(value, "ship_it", { timeout: "1h" });
});

export const square = task({ name: "square", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x * x);

export const map_wf = workflow({ name: "map_wf", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.int()) }, ({ xs }) => mapTask(square, { concurrency: 4 })({ x: xs }));

// A sub-workflow: one node (n0) of nested_wf, whose two nodes the graph shows as a group.
export const inner_wf = workflow({ name: "inner_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => square({ x: double({ n }) }));
export const nested_wf = workflow({ name: "nested_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => double({ n: inner_wf({ n }) }));

export const total = task({ name: "total", inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
/** n doubles side by side (dn0, dn1, ...), then their total: the children of a dynamic node, with edges. */
export const fan = dynamic({ name: "fan", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => total({ xs: Array.from({ length: n }, (_, i) => double({ n: i + 1 })) }));
export const fan_wf = workflow({ name: "fan_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => fan({ n }));

export const explode = task({ name: "explode", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => {
  throw new Error(`exploded on ${n}`);
});

export const fail_wf = workflow({ name: "fail_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => explode({ n: double({ n }) }));

// Two levels of sub-workflows: n0 of outer_wf is nested_wf, whose n0 is inner_wf.
export const outer_wf = workflow({ name: "outer_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => nested_wf({ n }));

const amounts = dataFrame({ columns: { region: z.string(), amount: z.number() } });

/** A CSV (header `region,amount`) as a Parquet dataframe. */
export const csv_to_frame = task({ name: "csv_to_frame", inputs: { csv: file("csv") }, outputs: amounts }, async ({ csv }) => {
  const rows = (await csv.text()).trim().split("\n").slice(1).map((line) => line.split(","));
  return tableFromArrays({ region: rows.map((r) => r[0] ?? ""), amount: Float64Array.from(rows, (r) => Number(r[1])) });
});

/** A one-line report file about the frame. */
export const frame_report = task({ name: "frame_report", inputs: { df: amounts }, outputs: file("txt") }, async ({ df }) => {
  const table = await df.toArrow();
  const path = join(mkdtempSync(join(tmpdir(), "report-")), "report.txt");
  writeFileSync(path, `${table.numRows} rows\n`);
  return path;
});

export const files_wf = workflow({ name: "files_wf", inputs: { csv: file("csv") }, outputs: [amounts, file("txt")] }, ({ csv }) => {
  const df = csv_to_frame({ csv });
  return [df, frame_report({ df })];
});

/** A folder's files as `<relative path>=<content>` lines in path order: what a folder upload sent. */
export const folder_listing = task({ name: "folder_listing", inputs: { folder: directory() }, outputs: z.string() }, async ({ folder }) => {
  const root = await folder.download();
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return files.map((e) => `${join(e.parentPath, e.name).slice(root.length + 1)}=${readFileSync(join(e.parentPath, e.name), "utf8")}`).sort().join("\n");
});

export const folder_wf = workflow({ name: "folder_wf", inputs: { folder: directory() }, outputs: z.string() }, ({ folder }) => folder_listing({ folder }));
