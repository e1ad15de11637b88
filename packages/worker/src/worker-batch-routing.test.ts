// Which tasks' attempts share isolate runs (attempt-batches.ts): the rule, and the time awaited
// that a real isolate reports for it (a task that computes awaits nothing; one on a timer does).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { AssignmentSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { loadProject, namesOf, specsOf } from "flytekit/internal";
import { batchesWell, QUICK_ITEM_MS } from "./attempt-batches.ts";
import { bundleEntrySource } from "./bundle-format.ts";
import type { AttemptThreadPayload, AttemptThreadResult } from "./isolate/attempt-thread.ts";
import { IsolatePool } from "./isolate/isolate-pool.ts";
import { CodeLoader } from "./code-loader.ts";
import { workerFlytekit } from "./sdk-version.ts";
import { withFastExecute } from "./task-args.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { ints } from "./testing/literals.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");
const RUNTIME = fileURLToPath(import.meta.resolve("flytekit/internal"));
/** Well above a quick item. */
const ITEM_MS = 3 * QUICK_ITEM_MS;

describe("which tasks batch", () => {
  test("a task whose items are quick batches", () => {
    assert.equal(batchesWell({ ms: QUICK_ITEM_MS / 4, waitedMs: QUICK_ITEM_MS / 8 }), true);
  });

  test("a slower task that awaits nothing batches: more isolates than cores would not run it faster", () => {
    // Also a trivial task's item slowed by a busy machine (descheduled time is not awaited time).
    assert.equal(batchesWell({ ms: ITEM_MS, waitedMs: 0 }), true);
  });

  test("a slower task that awaits runs alone: side by side, its waits overlap", () => {
    assert.equal(batchesWell({ ms: ITEM_MS, waitedMs: ITEM_MS - 1 }), false);
  });
});

describe("the time an item awaited, as its isolate reports it", () => {
  let server: FakeWorkerService;
  let cacheDir: string;
  let pool: IsolatePool;
  const templates = new Map<string, TaskTemplate>();

  before(async () => {
    server = await new FakeWorkerService().start();
    cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-routing-"));
    const project = await loadProject(["computing.ts"], TESTDATA);
    for (const spec of specsOf(project.entities.map((e) => e.definition), { project: "p", domain: "d", version: "v1" })) {
      if (spec.kind !== "task" || spec.message.template === undefined) continue;
      const template = spec.message.template;
      if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, `${server.url}/bundles/computing.mjs`);
      templates.set(template.id?.name.split(".").at(-1) ?? "", template);
    }
    server.bundles.set("computing.mjs", bundleEntrySource([{ module: "computing", path: join(TESTDATA, "computing.ts") }], RUNTIME, namesOf(project.modules), workerFlytekit().version));
    // The isolate imports the bundle the main thread downloaded.
    await new CodeLoader({ cacheDir }).fetchBundle(`${server.url}/bundles/computing.mjs`);
    pool = new IsolatePool({ thread: { cacheDir, workerId: "w-routing" }, maxIdle: 2 });
  });

  after(async () => {
    await pool.close();
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Runs 3 items of `name` in one isolate run; the time each awaited, the first one's left out (it imported the code). */
  async function waitedOf(name: string): Promise<number[]> {
    const template = templates.get(name) ?? assert.fail(`no task ${name} in ${[...templates.keys()].join(", ")}`);
    const key = `bundle:${server.url}/bundles/computing.mjs`;
    const isolate = (await pool.acquire(key, undefined, false)) ?? assert.fail("no isolate");
    const payload: AttemptThreadPayload = {
      task: toBinary(TaskTemplateSchema, template),
      items: [0, 1, 2].map((a) => toBinary(AssignmentSchema, create(AssignmentSchema, { attemptId: `${name}${a}`, project: "p", domain: "d", executionName: "e1", nodeId: `n0-${a}`, inputs: ints({ a, ms: ITEM_MS }) }))),
    };
    const end = await isolate.run(payload);
    pool.release(key, isolate, false);
    assert.equal(end.kind, "done", JSON.stringify(end));
    const result = (end as { value: AttemptThreadResult }).value;
    assert.equal(result.ms[0], -1, "the first item imported the code");
    return result.waitedMs.slice(1);
  }

  test("a task that computes awaited (almost) nothing, one on a timer most of its time", { timeout: 120_000 }, async () => {
    for (const waited of await waitedOf("crunch")) assert.ok(waited < QUICK_ITEM_MS, `crunch awaited ${waited} ms`);
    for (const waited of await waitedOf("nap")) assert.ok(waited >= QUICK_ITEM_MS, `nap awaited ${waited} ms`);
  });
});
