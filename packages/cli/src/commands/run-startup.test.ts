import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

// What a local run's process imports is most of its start-up (docs/benchmarks.md, "The inner
// loop"). These built-ins serve uploads, files, caches, isolates, gates asked on a terminal and
// timings; a local run of tasks that pass plain values uses none of them, and node:crypto alone
// costs it 15–25 ms. A fresh process records every ESM import (Node's module hooks) and, at
// exit, which of these Node has loaded at all (by any path, `process.moduleLoadList`).
test("a local flyte run of plain tasks imports no crypto, stream, worker, readline or perf_hooks module", () => {
  const hook = `
    import { registerHooks } from "node:module";
    const imported = [];
    registerHooks({ load(url, context, next) { if (url.startsWith("node:")) imported.push(url); return next(url, context); } });
    process.on("exit", () => {
      const loaded = process.moduleLoadList.filter((m) => /^NativeModule (crypto|perf_hooks|readline\\/promises)$/.test(m));
      process.stderr.write("\\n" + JSON.stringify({ imported, loaded }) + "\\n");
    });
  `;
  const res = spawnSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(hook)}`, "packages/cli/bin/flyte.js", "run", "examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello", "--json"],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), { o0: 52, o1: "helloworld" });
  const report = JSON.parse(res.stderr.trim().split("\n").at(-1)!) as { imported: string[]; loaded: string[] };
  const unwanted = /^node:(crypto|stream|stream\/.*|worker_threads|readline|readline\/.*|perf_hooks)$/;
  assert.deepEqual(report.imported.filter((u) => unwanted.test(u)), [], "these built-ins were imported");
  assert.deepEqual(report.loaded, [], "these built-ins were loaded");
});
