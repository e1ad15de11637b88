// The inner loop of `flyte run --remote ... --wait`: unchanged code reuses the cached bundle and
// sends the server nothing again (no upload, no registration), an edit makes, uploads and
// registers a new version, and the outputs are always those of the code as it is now. A real
// `flyte start` with one pooled worker; the CLI as users run it, with a cache folder of its own.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, ROOT } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const seed = (separator: string): string => `
import { z } from "zod";
import { task, workflow } from "flytekit";
export const t1 = task({ name: "t1", inputs: { a: z.int() }, outputs: { t1_int_output: z.int(), c: z.string() } }, ({ a }) => ({ t1_int_output: a + 2, c: "world" }));
export const t2 = task({ name: "t2", inputs: { a: z.string(), b: z.string() }, outputs: z.string() }, ({ a, b }) => b + "${separator}" + a);
export const my_wf = workflow({ name: "my_wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] }, ({ a, b }) => {
  const { t1_int_output: x, c: y } = t1({ a });
  return [x, t2({ a: y, b })];
});
`;

/** path → "inode:mtime" of every file under `dir`: a file written again gets another. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else out.set(path, `${info.ino}:${info.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

describe("the inner loop of run --remote --wait", () => {
  const work = mkdtempSync(join(tmpdir(), "flyte-inner-loop-"));
  const project = join(work, "project");
  const file = join(project, "workflow.ts");
  const env = { XDG_CACHE_HOME: join(work, "cache"), FLYTE_BUNDLE_CACHE: "" };
  let server: ServerProcess;

  before(async () => {
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "inner-loop", type: "module", private: true }));
    symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
    server = await startServerProcess(join(work, "data"), ["--workers", "1"]);
  });

  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const run = async (): Promise<unknown> => {
    const res = await flyteAsync(["run", "--remote", file, "my_wf", "--a", "50", "--b", "hello", "--wait", "--json", "--endpoint", server.url], undefined, env);
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout);
  };

  test("reuses bundle, upload and registration of unchanged code, and makes new ones after an edit", async () => {
    writeFileSync(file, seed(""));
    assert.deepEqual(await run(), { o0: 52, o1: "helloworld" });
    const uploads = join(work, "data", "uploads");
    const cache = join(work, "cache", "flyte", "bundles");
    const uploaded = snapshot(uploads);
    const cached = snapshot(cache);
    assert.equal([...uploaded.keys()].filter((p) => p.endsWith(".mjs")).length, 1, [...uploaded.keys()].join("\n"));

    // Unchanged: the same outputs, and neither the cache nor the server's copy written again.
    // FLYTE_TIMINGS=1 adds one line on stderr naming every phase, and nothing on stdout.
    const timed = await flyteAsync(["run", "--remote", file, "my_wf", "--a", "50", "--b", "hello", "--wait", "--json", "--endpoint", server.url], undefined, { ...env, FLYTE_TIMINGS: "1" });
    assert.equal(timed.status, 0, timed.stderr);
    assert.deepEqual(JSON.parse(timed.stdout), { o0: 52, o1: "helloworld" });
    assert.match(timed.stderr, /^flyte: timings: start-up \d+ ms, command modules \d+ ms, remote modules \d+ ms, load code \d+ ms, bundle \d+ ms, check \d+ ms, upload \d+ ms, register \d+ ms, create execution \d+ ms, wait \d+ ms, outputs \d+ ms, total \d+ ms$/m);
    assert.deepEqual(snapshot(uploads), uploaded);
    assert.deepEqual(snapshot(cache), cached);
    const again = await flyteAsync(["register", file, "--json", "--endpoint", server.url], undefined, env);
    assert.equal(again.status, 0, again.stderr);
    const statuses = (JSON.parse(again.stdout) as { registered: Array<{ status: string }> }).registered.map((r) => r.status);
    assert.deepEqual(statuses, ["unchanged", "unchanged", "unchanged", "unchanged"]);

    // Edited: the new code runs, from a new bundle.
    writeFileSync(file, seed(", "));
    assert.deepEqual(await run(), { o0: 52, o1: "hello, world" });
    assert.equal([...snapshot(uploads).keys()].filter((p) => p.endsWith(".mjs")).length, 2);
  });
});
