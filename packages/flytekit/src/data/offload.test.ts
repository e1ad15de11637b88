import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { dynamic, mapTask, task, workflow } from "../index.ts";

const home = mkdtempSync(join(tmpdir(), "flyte-offload-test-"));
process.env["XDG_DATA_HOME"] = join(home, "data");
process.env["FLYTE_LOCAL_CACHE"] = "off";
// A small threshold so that a modest list is offloaded (the default is Flyte's 10 MiB).
process.env["FLYTE_OFFLOAD_MIN_BYTES"] = "50000";

export const big_list = task({ name: "offload_big_list", inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) => Array.from({ length: n }, (_, i) => i));
export const total = task({ name: "offload_total", inputs: { xs: z.array(z.int()) }, outputs: z.int() }, ({ xs }) => xs.reduce((a, b) => a + b, 0));
export const offload_wf = workflow({ name: "offload_wf", inputs: { n: z.int() }, outputs: [z.int(), z.array(z.int())] }, ({ n }) => {
  const xs = big_list({ n });
  return [total({ xs }), xs];
});

function offloaded(): { file: string; size: number }[] {
  if (!existsSync(join(home, "data"))) return [];
  return readdirSync(join(home, "data"), { recursive: true })
    .map(String)
    .filter((p) => p.endsWith("_offloaded_metadata.pb"))
    .map((p) => ({ file: p, size: statSync(join(home, "data", p)).size }));
}

test("a literal over the threshold is offloaded to the store and read back transparently", async () => {
  const [sum, xs] = await offload_wf({ n: 20_000 });
  assert.equal(sum, 199_990_000);
  assert.equal(xs.length, 20_000);
  const files = offloaded();
  assert.equal(files.length, 1, "the list was written once, by the task that made it");
  assert.match(files[0]!.file, /o0_offloaded_metadata\.pb$/);
  assert.ok(files[0]!.size >= 50_000);
});

test("a literal under the threshold stays inline", async () => {
  const before = offloaded().length;
  assert.deepEqual(await offload_wf({ n: 10 }), [45, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  assert.equal(offloaded().length, before);
});

export const double = task({ name: "offload_double", inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => 2 * x);
export const offload_map_wf = workflow({ name: "offload_map_wf", inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) => mapTask(double, { concurrency: 64 })({ x: big_list({ n }) }));

test("a map task runs over an offloaded list: the list is read back from the store before items start", async () => {
  const before = offloaded().length;
  const out = await offload_map_wf({ n: 12_000 });
  assert.equal(offloaded().length, before + 1, "the mapped list was offloaded by the task that made it");
  assert.equal(out.length, 12_000);
  assert.equal(out[11_999], 23_998);
  assert.equal(out.reduce((a, b) => a + b, 0), 12_000 * 11_999);
});

/** A dynamic task over an offloaded list: its body gets the values; a task it makes sees them too. */
export const offload_dynamic = dynamic({ name: "offload_dynamic", inputs: { xs: z.array(z.int()) }, outputs: [z.int(), z.int()] }, ({ xs }) => {
  const last = task({ inputs: { x: z.int() }, outputs: z.int() }, ({ x }) => x + xs.length);
  return [xs.length, last({ x: xs.at(-1) ?? -1 })];
});
export const offload_dynamic_wf = workflow({ name: "offload_dynamic_wf", inputs: { n: z.int() }, outputs: [z.int(), z.int()] }, ({ n }) => offload_dynamic({ xs: big_list({ n }) }));

test("a dynamic task reads an offloaded input back before its body runs", async () => {
  const before = offloaded().length;
  assert.deepEqual(await offload_dynamic_wf({ n: 12_000 }), [12_000, 11_999 + 12_000]);
  assert.equal(offloaded().length, before + 1, "the list reached the dynamic task offloaded");
});
