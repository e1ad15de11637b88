// The code bundle: only the project's code (flytekit and its dependencies come from the worker,
// through @flyte/worker's resolution hook, in a fresh process), and deterministic (same code,
// same digest).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import { BUNDLE_FORMAT, parseBundleHeader, workerFlytekit } from "@flyte/worker/bundle";
import { loadAndBundle } from "./registration.ts";

const ROOT = resolve(import.meta.dirname, "../../../..");
const RESOLUTION = pathToFileURL(resolve(ROOT, "packages/worker/src/bundle-resolution.ts")).href;

describe("the code bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-bundle-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("holds only the project's code, names its flytekit, and runs with the worker's SDK in a fresh process", async () => {
    const bundle = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    assert.deepEqual(bundle.modules, ["examples.basics.workflow"]);
    assert.deepEqual(bundle.inputs, [join(ROOT, "examples/basics/workflow.ts")]);
    const text = new TextDecoder().decode(bundle.bytes);
    assert.deepEqual(parseBundleHeader(text), { format: BUNDLE_FORMAT, flytekit: workerFlytekit().version });
    assert.ok(bundle.bytes.length < 20_000, `the bundle has ${bundle.bytes.length} bytes: is the SDK in it?`);
    assert.match(text, /from "flytekit\/internal"/);
    assert.match(text, /from "zod"/);
    mkdirSync(join(dir, "bundles"));
    writeFileSync(join(dir, "bundles", "bundle.mjs"), bundle.bytes);
    const script = (hook: boolean): string => `
      ${hook ? `(await import(${JSON.stringify(RESOLUTION)})).resolveBundleImportsFromWorker(${JSON.stringify(join(dir, "bundles"))});` : ""}
      const { format, modules, runtime } = await import("./bundles/bundle.mjs");
      const ns = modules["examples.basics.workflow"];
      const t2 = runtime.definitionOf(ns.t2);
      const wf = runtime.definitionOf(ns.my_wf);
      console.log(JSON.stringify({ format, exports: Object.keys(ns).sort(), t2: await runtime.runLocally(t2, { a: "world", b: "hello " }), wf: await runtime.runLocally(wf, { a: 50, b: "hello" }) }));
    `;
    writeFileSync(join(dir, "run.mjs"), script(true));
    const res = spawnSync(process.execPath, ["run.mjs"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { format: BUNDLE_FORMAT, exports: ["my_wf", "t1", "t2"], t2: "hello world", wf: [52, "helloworld"] });
    // Without the worker's resolution the folder has no flytekit: the bundle does not carry one.
    writeFileSync(join(dir, "run.mjs"), script(false));
    const alone = spawnSync(process.execPath, ["run.mjs"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.notEqual(alone.status, 0);
    assert.match(alone.stderr, /Cannot find package '(flytekit|zod)'/);
  });

  test("is the same file, with the same digest, when built twice from the same code", async () => {
    const a = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    const b = (await loadAndBundle(["examples/basics/workflow.ts"], ROOT, false)).bundle;
    assert.equal(a.sha256, b.sha256);
    assert.match(a.sha256, /^[0-9a-f]{64}$/);
    const other = (await loadAndBundle(["examples/basics/lists.ts"], ROOT, false)).bundle;
    assert.notEqual(other.sha256, a.sha256);
  });
});
