// The bundle cache: unchanged code reuses the bundle esbuild made last time (same bytes, same
// digest), and any edit to a file the bundle was made from, or to the cached file itself, makes a
// new one. Real esbuild, a real project folder (its node_modules is the repository's).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { bundlePlan } from "./bundle.ts";
import { bundleCacheDir, bundleCacheEnabled, cachedBundle } from "./bundle-cache.ts";

const ROOT = resolve(import.meta.dirname, "../../../..");

const tasks = (greeting: string): string => `
import { z } from "zod";
import { task } from "flytekit";
export const greet = task({ name: "greet", inputs: { who: z.string() }, outputs: z.string() }, ({ who }) => "${greeting}, " + who);
`;

describe("the bundle cache", () => {
  const work = mkdtempSync(join(tmpdir(), "flyte-bundle-cache-test-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  /** A project folder of its own (flytekit and zod resolved from the repository), and a cache folder. */
  const setUp = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name, type: "module", private: true }));
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "tasks.ts"), tasks("Hello"));
    const plan = () => bundlePlan([{ module: "tasks", file: join(dir, "tasks.ts") }], { tasks: { greet: "greet" } });
    return { dir, cache: join(work, `${name}-cache`), plan };
  };

  test("reuses the bundle of unchanged code, and bundles again after an edit", async () => {
    const { dir, cache, plan } = setUp("edits");
    const first = await cachedBundle(plan(), cache);
    assert.equal(first.reused, false);
    assert.ok(first.bundle.inputs.includes(join(dir, "tasks.ts")), "the user's file is one of the inputs");

    const second = await cachedBundle(plan(), cache);
    assert.equal(second.reused, true);
    assert.equal(second.bundle.sha256, first.bundle.sha256);
    assert.deepEqual(Buffer.from(second.bundle.bytes), Buffer.from(first.bundle.bytes));

    writeFileSync(join(dir, "tasks.ts"), tasks("Hi"));
    const edited = await cachedBundle(plan(), cache);
    assert.equal(edited.reused, false);
    assert.notEqual(edited.bundle.sha256, first.bundle.sha256);
    assert.match(Buffer.from(edited.bundle.bytes).toString("utf8"), /"Hi, "/);
    // The bundle of the code before the edit is not kept: the cache does not grow with edits.
    assert.deepEqual(readdirSync(cache).filter((f) => f.endsWith(".mjs")), [`${edited.bundle.sha256}.mjs`]);
  });

  test("bundles again when the cached file was changed, never handing out other bytes", async () => {
    const { cache, plan } = setUp("tampered");
    const before = await cachedBundle(plan(), cache);
    assert.equal((await cachedBundle(plan(), cache)).reused, true);
    writeFileSync(join(cache, `${before.bundle.sha256}.mjs`), "export const tampered = true;\n");
    const after = await cachedBundle(plan(), cache);
    assert.equal(after.reused, false);
    assert.equal(after.bundle.sha256, before.bundle.sha256);
    assert.ok(readdirSync(cache).includes(`${before.bundle.sha256}.mjs`));
  });

  test("lives in XDG_CACHE_HOME, and FLYTE_BUNDLE_CACHE=off turns it off", () => {
    assert.equal(bundleCacheDir({ XDG_CACHE_HOME: "/x/cache" }), "/x/cache/flyte/bundles");
    assert.equal(bundleCacheEnabled({}), true);
    for (const off of ["off", "false", "0", "no", " OFF "]) assert.equal(bundleCacheEnabled({ FLYTE_BUNDLE_CACHE: off }), false, off);
  });
});
