// A quick task's attempts run many per isolate call (attempt-batches.ts) against a fake
// WorkerService, each keeping its own outcome and log: an item that fails fails alone.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { loadProject, namesOf, specsOf } from "flytekit/internal";
import { bundleEntrySource } from "./bundle-format.ts";
import { workerFlytekit } from "./sdk-version.ts";
import { withFastExecute } from "./task-args.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { intOf, ints } from "./testing/literals.ts";
import { Worker } from "./worker.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");
const RUNTIME = fileURLToPath(import.meta.resolve("flytekit/internal"));

let server: FakeWorkerService;
let worker: Worker;
let cacheDir: string;
let template: TaskTemplate;
let nextId = 0;

const push = (a: number) =>
  server.push({ attemptId: `b${nextId++}`, project: "p", domain: "d", executionName: "e1", nodeId: `n0-${a}`, retryAttempt: 0, task: template, inputs: ints({ a }) });

before(async () => {
  server = await new FakeWorkerService().start();
  cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-batch-"));
  const project = await loadProject(["batched.ts"], TESTDATA);
  const spec = specsOf(project.entities.map((e) => e.definition), { project: "p", domain: "d", version: "v1" }).find((s) => s.kind === "task");
  template = spec?.kind === "task" ? spec.message.template! : assert.fail("no task");
  server.bundles.set("batched.mjs", bundleEntrySource([{ module: "batched", path: join(TESTDATA, "batched.ts") }], RUNTIME, namesOf(project.modules), workerFlytekit().version));
  if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, `${server.url}/bundles/batched.mjs`);
  worker = new Worker({ endpoint: server.url, cacheDir, concurrency: 32, workerId: "w-batch", log: () => {} });
  void worker.run();
});

after(async () => {
  await worker.stop(100);
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

test("a quick task's attempts run in batches, each with its own outcome and log; a failing one fails alone", { timeout: 120_000 }, async () => {
  // Two attempts one after the other: the first imports the code, the second measures the task.
  for (const a of [1, 2]) assert.equal(intOf((await server.completion(push(a).attemptId, 60_000)).outcome.value as never, "o0"), BigInt(a + 1));
  const items = Array.from({ length: 30 }, (_, a) => ({ a, id: push(a).attemptId }));
  for (const { a, id } of items) {
    const c = await server.completion(id, 60_000);
    if (a % 3 === 0) {
      assert.equal(c.outcome.case, "error", `item ${a}`);
      assert.match(c.outcome.case === "error" ? (c.outcome.value.error?.message ?? "") : "", new RegExp(`item ${a} is a multiple of 3`));
    } else {
      assert.equal(c.outcome.case, "outputs", `item ${a}: ${c.outcome.case === "error" ? c.outcome.value.error?.message : ""}`);
      assert.equal(intOf(c.outcome.case === "outputs" ? c.outcome.value : undefined, "o0"), BigInt(a + 1));
    }
    // Each item's log holds what it printed, and only that.
    assert.match(c.log, new RegExp(`^item ${a}\\n`), `item ${a}'s log: ${JSON.stringify(c.log)}`);
    assert.equal((c.log.match(/item \d+\n/g) ?? []).length, 1, `item ${a}'s log: ${JSON.stringify(c.log)}`);
  }
  assert.ok(worker.batchedRuns > 0, "some runs carried many attempts");
});
