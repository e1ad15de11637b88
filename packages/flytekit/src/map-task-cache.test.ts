// A cached map task caches each item (Flyte's array node sub-node cache): a second run hits per
// item, and only items whose input changed run — also for files, keyed by their content hash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { file, mapTask, task, workflow } from "./index.ts";

const home = mkdtempSync(join(tmpdir(), "flyte-map-cache-test-"));
process.env["XDG_DATA_HOME"] = join(home, "data");
process.env["XDG_CACHE_HOME"] = join(home, "cache");
delete process.env["FLYTE_LOCAL_CACHE"];

const ran: string[] = [];
export const square = task({ name: "map_cache_square", cache: { version: "1" }, inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => {
  ran.push(String(x));
  return x * x;
});
export const squares_wf = workflow({ name: "map_cache_squares_wf", inputs: { xs: z.array(z.int()) }, outputs: z.array(z.int()) }, ({ xs }) =>
  mapTask(square)({ x: xs }),
);

export const line_count = task({ name: "map_cache_lines", cache: { version: "1" }, inputs: { f: file() }, outputs: z.int() }, async ({ f }) => {
  ran.push(f.uri.split("/").pop() ?? "");
  return (await f.text()).split("\n").length;
});
export const lines_wf = workflow({ name: "map_cache_lines_wf", inputs: { fs: z.array(file()) }, outputs: z.array(z.int()) }, ({ fs }) =>
  mapTask(line_count, { concurrency: 2 })({ f: fs }),
);

test("a cached map task runs only the items whose inputs changed", async () => {
  ran.length = 0;
  assert.deepEqual(await squares_wf({ xs: [1, 2, 3] }), [1, 4, 9]);
  assert.deepEqual(ran.sort(), ["1", "2", "3"]);
  ran.length = 0;
  assert.deepEqual(await squares_wf({ xs: [1, 2, 3] }), [1, 4, 9]);
  assert.deepEqual(ran, [], "every item hit the cache");
  assert.deepEqual(await squares_wf({ xs: [3, 7, 1] }), [9, 49, 1]);
  assert.deepEqual(ran, ["7"], "only the new item ran");
});

test("items over files are cached by content: the same bytes under new paths hit, a changed file runs", async () => {
  const folder = (name: string, texts: readonly string[]): string[] => {
    const dir = mkdtempSync(join(home, `${name}-`));
    return texts.map((t, i) => {
      const path = join(dir, `f${i}.txt`);
      writeFileSync(path, t);
      return path;
    });
  };
  const stamp = String(Date.now());
  ran.length = 0;
  assert.deepEqual(await lines_wf({ fs: folder("a", [`${stamp}\na`, `${stamp}\nb\nc`]) }), [2, 3]);
  assert.equal(ran.length, 2);
  ran.length = 0;
  assert.deepEqual(await lines_wf({ fs: folder("b", [`${stamp}\na`, `${stamp}\nb\nc\nd`]) }), [2, 4]);
  assert.deepEqual(ran, ["f1.txt"], "the unchanged file hit the cache under its new path; the changed one ran");
});
