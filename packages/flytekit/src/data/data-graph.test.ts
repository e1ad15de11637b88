// Eager and dynamic tasks in a local run: local paths and tables they return are written into the
// local data folder (as plain tasks' are), so the results outlive the task's temporary files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { tableFromArrays } from "apache-arrow";
import type { StructuredDataset} from "../index.ts";
import { dataFrame, dynamic, eager, file, FlyteFile, task } from "../index.ts";

const home = mkdtempSync(join(tmpdir(), "flyte-data-graph-test-"));
process.env["XDG_DATA_HOME"] = join(home, "data");
process.env["FLYTE_LOCAL_CACHE"] = "off";
test.after(() => rmSync(home, { recursive: true, force: true }));

export const graph_lines = task({ name: "graph_lines", inputs: { f: file() }, outputs: z.int() }, async ({ f }) => (await f.text()).trim().split("\n").length);

export const graph_eager = eager({ name: "graph_eager", inputs: { text: z.string() }, outputs: { n: z.int(), out: file() } }, async ({ text }) => {
  const dir = mkdtempSync(join(home, "eager-"));
  writeFileSync(join(dir, "in.txt"), `${text}\n${text}\n`);
  const n = await graph_lines({ f: join(dir, "in.txt") });
  writeFileSync(join(dir, "out.txt"), text);
  const out = join(dir, "out.txt");
  return { n, out };
});

export const graph_dynamic = dynamic({ name: "graph_dynamic", inputs: { text: z.string() }, outputs: file() }, ({ text }) => {
  const path = join(mkdtempSync(join(home, "dynamic-")), "made.txt");
  writeFileSync(path, text);
  return new FlyteFile(pathToFileURL(path).href);
});

export const graph_dynamic_frame = dynamic({ name: "graph_dynamic_frame", inputs: { n: z.int() }, outputs: dataFrame() }, ({ n }) =>
  tableFromArrays({ v: Int32Array.from({ length: n }, (_, i) => i) }) as unknown as StructuredDataset,
);

const inDataFolder = new RegExp(`^${pathToFileURL(join(home, "data", "flyte", "local-data", "raw")).href}/[0-9a-f]{2}/`);

test("an eager task's returned local path is copied into the local data folder; a path it passes to a call is read", async () => {
  const { n, out } = await graph_eager({ text: "hi" });
  assert.equal(n, 2);
  assert.match(out.uri, inDataFolder);
  assert.match(out.hash ?? "", /^sha256:/);
  assert.equal(await out.text(), "hi");
});

test("a dynamic task that calls nothing may return data values: a local file, an Arrow table", async () => {
  const out = await graph_dynamic({ text: "made" });
  assert.match(out.uri, /\/made\.txt$/);
  assert.equal(await out.text(), "made");
  const df = await graph_dynamic_frame({ n: 4 });
  assert.match(df.uri, inDataFolder, "the table was written as Parquet into the local data folder");
  assert.deepEqual([...((await df.toArrow()).getChild("v") ?? [])], [0, 1, 2, 3]);
});
