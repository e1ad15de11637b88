// Files, directories and dataframes on a server: run by tests/data-remote.test.ts.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";
import { dataFrame, directory, dynamic, eager, file, FlyteFile, launchPlan, mapTask, task, workflow } from "flytekit";

export const shout_file = task({ inputs: { f: file("csv") }, outputs: file("csv") }, async ({ f }) => {
  const out = join(mkdtempSync(join(tmpdir(), "shout-")), "shouted.csv");
  writeFileSync(out, (await f.text()).toUpperCase());
  return out;
});

export const count_lines = task({ inputs: { f: file() }, outputs: z.int() }, async ({ f }) => (await f.text()).trim().split("\n").length);

export const files_wf = workflow({ inputs: { f: file("csv") }, outputs: { n: z.int(), shouted: file("csv") } }, ({ f }) => {
  const shouted = shout_file({ f });
  return { n: count_lines({ f: shouted }), shouted };
});

export const make_folder = task({ inputs: { n: z.int() }, outputs: directory("txt") }, ({ n }) => {
  const dir = mkdtempSync(join(tmpdir(), "folder-"));
  mkdirSync(join(dir, "nested"));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, i % 2 === 0 ? "nested" : ".", `f${i}.txt`), `file ${i}`);
  return dir;
});

export const folder_sizes = task({ inputs: { d: directory("txt") }, outputs: z.array(z.string()) }, async ({ d }) => {
  const files = await d.list();
  return Promise.all(files.map(async (f) => `${f.uri.slice(d.uri.length + 1)}:${await f.text()}`));
});

export const folder_wf = workflow({ inputs: { n: z.int() }, outputs: z.array(z.string()) }, ({ n }) => folder_sizes({ d: make_folder({ n }) }));

export const make_frame = task({ inputs: { n: z.int() }, outputs: dataFrame({ columns: { k: z.string(), v: z.int() } }) }, ({ n }) =>
  tableFromArrays({ k: Array.from({ length: n }, (_, i) => `k${i % 3}`), v: Int32Array.from({ length: n }, (_, i) => i), w: Float64Array.from({ length: n }, () => 0.5) }),
);

export const sum_v = task({ inputs: { df: dataFrame({ columns: { v: z.int() } }) }, outputs: z.int() }, async ({ df }) => {
  const t = await df.toArrow({ columns: ["v"] });
  let s = 0;
  for (const x of t.getChild("v") ?? []) s += Number(x);
  return s;
});

export const frame_wf = workflow({ inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => sum_v({ df: make_frame({ n }) }));

export const big_list = task({ inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) => Array.from({ length: n }, (_, i) => i));
export const total = task({ inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
export const big_wf = workflow({ inputs: { n: z.int() }, outputs: { sum: z.int(), xs: z.array(z.int()) } }, ({ n }) => {
  const xs = big_list({ n });
  return { sum: total({ xs }), xs };
});

/** `n` strings of 30 kB: a list over the tests' 100 kB offloading threshold with few items. */
export const big_strings = task({ inputs: { n: z.int() }, outputs: z.array(z.string()) }, ({ n }) => Array.from({ length: n }, (_, i) => `${i}:${"x".repeat(30_000)}`));
export const str_len = task({ inputs: { s: z.string() }, outputs: z.int() }, ({ s }) => s.length);
export const map_big_wf = workflow({ inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) => mapTask(str_len)({ s: big_strings({ n }) }));

/** An eager task that writes a file, passes its path to a task, and returns another local path. */
export const eager_files = eager({ inputs: { text: z.string() }, outputs: { n: z.int(), out: file("csv") } }, async ({ text }) => {
  const dir = mkdtempSync(join(tmpdir(), "eager-"));
  writeFileSync(join(dir, "in.csv"), `${text}\n${text}\n`);
  const n = await count_lines({ f: join(dir, "in.csv") });
  writeFileSync(join(dir, "out.csv"), text.toUpperCase());
  return { n, out: join(dir, "out.csv") };
});

/** A dynamic task that writes a file (synchronously, as its body must be) and passes it on. */
export const dynamic_files = dynamic({ inputs: { text: z.string() }, outputs: z.int() }, ({ text }) => {
  const dir = mkdtempSync(join(tmpdir(), "dynamic-"));
  writeFileSync(join(dir, "in.csv"), `${text}\n${text}\n${text}\n`);
  return count_lines({ f: join(dir, "in.csv") });
});

/** A dynamic task that calls nothing and returns a local file. */
export const dynamic_path = dynamic({ inputs: { text: z.string() }, outputs: file() }, ({ text }) => {
  const path = join(mkdtempSync(join(tmpdir(), "dynamic-")), "made.txt");
  writeFileSync(path, text);
  return new FlyteFile(pathToFileURL(path).href);
});

/** Downloads its input and returns where the copy was: it must be gone once the attempt ends. */
export const download_path = task({ inputs: { f: file() }, outputs: z.string() }, async ({ f }) => {
  const path = await f.download();
  if (!existsSync(path)) throw new Error(`the download at ${path} is missing while the attempt runs`);
  return path;
});

/** A launch plan with a file input, run by name (`run --remote --launch-plan files_lp --f ./local.csv`). */
export const files_lp = launchPlan(files_wf, { name: "files_lp" });

/**
 * A cached task that tags its result with a random id: a cache hit returns the stored tag, a run a
 * new one — so a test tells hits from runs by the outputs alone.
 */
export const tag_file = task({ inputs: { f: file() }, outputs: z.string(), cache: { version: "1" } }, async ({ f }) => `${(await f.text()).trim()}:${randomUUID()}`);

/** A cached map task over files: each item is cached by its file's content. */
export const cached_map_wf = workflow({ inputs: { fs: z.array(file()) }, outputs: z.array(z.string()) }, ({ fs }) => mapTask(tag_file)({ f: fs }));

export const folder_texts = task({ inputs: { named: z.record(z.string(), file()) }, outputs: z.array(z.string()) }, async ({ named }) =>
  Promise.all(Object.entries(named).sort(([a], [b]) => a.localeCompare(b)).map(async ([k, f]) => `${k}=${(await f.text()).trim()}`)),
);

export const note_text = task({ inputs: { note: file().optional() }, outputs: z.string() }, async ({ note }) => (note === undefined ? "no note" : (await note.text()).trim()));

/** A launch plan over a list, a map and an optional of files, run by name with local paths. */
export const tagged_files = workflow(
  { inputs: { fs: z.array(file()), named: z.record(z.string(), file()), note: file().optional() }, outputs: [z.array(z.string()), z.array(z.string()), z.string()] },
  ({ fs, named, note }) => [mapTask(tag_file)({ f: fs }), folder_texts({ named }), note_text({ note })],
);
export const tagged_files_lp = launchPlan(tagged_files, { name: "tagged_files_lp" });

/** A dynamic task whose body writes a file and passes it to a cached task: uploaded by content. */
export const dynamic_cached = dynamic({ inputs: { text: z.string() }, outputs: z.string() }, ({ text }) => {
  const path = join(mkdtempSync(join(tmpdir(), "dynamic-cached-")), "note.txt");
  writeFileSync(path, text);
  return tag_file({ f: path });
});

/** A dynamic task over an offloaded list; the task its body makes sees the values too (on a worker). */
export const dynamic_over_big = dynamic({ inputs: { xs: z.array(z.int()) }, outputs: [z.int(), z.int()] }, ({ xs }) => {
  const last_plus_len = task({ inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x + xs.length);
  return [xs.length, last_plus_len({ x: xs.at(-1) ?? -1 })];
});
export const dynamic_big_wf = workflow({ inputs: { n: z.int() }, outputs: [z.int(), z.int()] }, ({ n }) => dynamic_over_big({ xs: big_list({ n }) }));

/** Every file of a folder, listed: a run over the same folder lists the same URIs. */
export const list_files = task({ inputs: { d: directory() }, outputs: z.array(file()) }, async ({ d }) => d.list());
export const cached_folder_wf = workflow({ inputs: { d: directory() }, outputs: z.array(z.string()) }, ({ d }) => mapTask(tag_file)({ f: list_files({ d }) }));

/** Passes a dataframe on unchanged (its output is the input's URI). */
export const same_frame = task({ inputs: { df: dataFrame() }, outputs: dataFrame() }, ({ df }) => df);
