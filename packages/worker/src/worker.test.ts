// The worker against a fake WorkerService: leasing, outputs, errors of each kind, dynamic job
// specs, log capture, heartbeats and cancellation, bundle caching, load errors (eager tasks:
// worker-eager.test.ts; uncaught task errors: packages/cli/src/commands/worker.test.ts, in a
// separate process).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ContainerError_Kind } from "@flyte/idl/gen/flyteidl/core/errors_pb.js";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { loadProject, namesOf, specsOf } from "flytekit/internal";
import { bundleEntrySource, bundleHeader } from "./bundle-format.ts";
import { workerFlytekit } from "./sdk-version.ts";
import { withFastExecute } from "./task-args.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { intOf, ints } from "./testing/literals.ts";
import { Worker } from "./worker.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");
const RUNTIME = fileURLToPath(import.meta.resolve("flytekit/internal"));


function errorOf(c: CompleteRequest) {
  assert.equal(c.outcome.case, "error", `expected an error outcome, got ${c.outcome.case}`);
  return c.outcome.value.error!;
}

describe("the worker", () => {
  let server: FakeWorkerService;
  let worker: Worker;
  let cacheDir: string;
  const templates = new Map<string, TaskTemplate>();
  const downloads: string[] = [];
  const statusLines: string[] = [];
  let bundleUrl: string;
  let nextId = 0;

  /** Queues an attempt of `task` (by name) from the good bundle. */
  const push = (task: string, inputs: LiteralMap = create(LiteralMapSchema), url = bundleUrl, nodeId = "n0") => {
    const template = structuredClone(templates.get(task)!);
    if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, url);
    return server.push({ attemptId: `a${nextId++}`, project: "p", domain: "d", executionName: "e1", nodeId, task: template, inputs });
  };

  before(async () => {
    server = await new FakeWorkerService().start();
    cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-test-"));
    const project = await loadProject(["tasks.ts"], TESTDATA);
    const entities = project.entities;
    for (const spec of specsOf(entities.map((e) => e.definition), { project: "p", domain: "d", version: "v1" })) {
      if (spec.kind === "task") templates.set(spec.name, spec.message.template!);
    }
    server.bundles.set("good.mjs", bundleEntrySource([{ module: "tasks", path: join(TESTDATA, "tasks.ts") }], RUNTIME, namesOf(project.modules), workerFlytekit().version));
    server.bundles.set("garbage.mjs", "this is not javascript {");
    server.bundles.set("other.mjs", "export const format = 99;");
    // Built against a flytekit this worker cannot stand in for, and by a future flyte.
    server.bundles.set("newer-sdk.mjs", `${bundleHeader("99.0.0")}\nimport "flytekit-99-only";\n`);
    server.bundles.set("future.mjs", `// flyte-bundle {"format":4,"flytekit":"0.1.0"}\nexport const format = 4;\n`);
    bundleUrl = `${server.url}/bundles/good.mjs`;
    worker = new Worker({ endpoint: server.url, cacheDir, leaseMs: 300, workerId: "w1", onDownload: (u) => downloads.push(u), log: (l) => statusLines.push(l) });
    void worker.run();
  });

  after(async () => {
    await worker.stop(100);
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test("runs a task and completes it with its outputs, times and what it printed", async () => {
    const a = push("add", ints({ a: 40, b: 2 }), bundleUrl, "n3");
    const c = await server.completion(a.attemptId);
    assert.equal(c.workerId, "w1");
    assert.equal(c.outcome.case, "outputs");
    assert.equal(intOf(c.outcome.case === "outputs" ? c.outcome.value : undefined, "o0"), 42n);
    assert.match(c.log, /adding 40 and 2/);
    assert.match(c.log, /\[n3\] INFO node n3/);
    assert.ok(c.startedAt > 0n && c.finishedAt >= c.startedAt);
  });

  test("downloads a bundle once and keeps it warm for later attempts", async () => {
    const a = push("add", ints({ a: 1, b: 2 }));
    const b = push("add", ints({ a: 3, b: 4 }));
    assert.equal((await server.completion(a.attemptId)).outcome.case, "outputs");
    assert.equal((await server.completion(b.attemptId)).outcome.case, "outputs");
    assert.equal(server.downloads.get("good.mjs"), 1);
    assert.deepEqual(downloads, [bundleUrl]);
  });

  test("reports a FlyteRecoverableError as a recoverable USER error", async () => {
    const err = errorOf(await server.completion(push("flaky").attemptId));
    assert.equal(err.kind, ContainerError_Kind.RECOVERABLE);
    assert.equal(err.origin, ExecutionError_ErrorKind.USER);
    // The message, then the user's own frames (the SDK's are left out).
    assert.match(err.message, /^try again\n {4}at .*testdata\/tasks\.ts:\d+:\d+\)$/);
    assert.equal(err.worker, "w1");
  });

  test("reports any other error as a non-recoverable USER error naming it", async () => {
    const err = errorOf(await server.completion(push("broken").attemptId));
    assert.equal(err.kind, ContainerError_Kind.NON_RECOVERABLE);
    assert.equal(err.origin, ExecutionError_ErrorKind.USER);
    assert.equal(err.code, "USER:TypeError");
    assert.match(err.message, /^boom\n {4}at .*testdata\/tasks\.ts:\d+:\d+\)$/);
  });

  test("completes a dynamic task with its job spec, whose tasks run from the same bundle", async () => {
    const c = await server.completion(push("fan", ints({ n: 3 })).attemptId);
    assert.equal(c.outcome.case, "futures");
    const spec = c.outcome.case === "futures" ? c.outcome.value : undefined;
    assert.equal(spec?.nodes.length, 3);
    const addTemplate = spec?.tasks.find((t) => t.id?.name === "add");
    const args = addTemplate?.target.case === "container" ? addTemplate.target.value.args : [];
    assert.deepEqual(args.slice(0, 4), ["flyte", "fast-execute", "--additional-distribution", bundleUrl]);
  });

  test("keeps its session alive while an attempt runs and drops the ones the server cancels", async () => {
    const a = push("forever");
    while (!worker.runningAttempts.includes(a.attemptId)) await new Promise((r) => setTimeout(r, 20));
    // Nothing else to say: an empty message within a third of the lease keeps the leases alive.
    const sent = server.messages.length;
    for (let i = 0; !server.messages.slice(sent).some((m) => m.credit === 0 && m.completions.length === 0); i++) {
      assert.ok(i < 100, "the worker sent nothing while its attempt ran");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(server.messages[0]?.leaseMs, 300);
    assert.equal(server.messages[0]?.workerId, "w1");
    server.cancelled.add(a.attemptId);
    for (let i = 0; worker.runningAttempts.includes(a.attemptId); i++) {
      assert.ok(i < 100, "the cancelled attempt kept running");
      await new Promise((r) => setTimeout(r, 20));
    }
    // The slot is free again, and a cancelled attempt is not reported.
    const b = push("add", ints({ a: 0, b: 0 }));
    assert.equal((await server.completion(b.attemptId)).outcome.case, "outputs");
    assert.equal(server.completions.some((c) => c.attemptId === a.attemptId), false);
  });

  test("reports code that cannot be loaded as a non-recoverable SYSTEM error with a clear message", async () => {
    const cases: Array<[string, RegExp]> = [
      [`${server.url}/bundles/missing.mjs`, /could not download the code bundle .*missing\.mjs: HTTP 404/],
      [`${server.url}/bundles/garbage.mjs`, /could not import the code bundle .*garbage\.mjs/],
      [`${server.url}/bundles/other.mjs`, /is not a flyte code bundle of format 3 \(or the self-contained 2\)/],
      [`${server.url}/bundles/newer-sdk.mjs`, /newer-sdk\.mjs was built against flytekit 99\.0\.0, but this worker runs flytekit \d+\.\d+\.\d+ \(.+\), another major version: .*install flytekit 99\.0\.0 where the worker runs/],
      [`${server.url}/bundles/future.mjs`, /future\.mjs is a flyte code bundle of format 4; this worker runs format 3/],
    ];
    for (const [url, message] of cases) {
      const err = errorOf(await server.completion(push("add", ints({ a: 1, b: 1 }), url).attemptId));
      assert.equal(err.origin, ExecutionError_ErrorKind.SYSTEM, url);
      assert.equal(err.kind, ContainerError_Kind.NON_RECOVERABLE, url);
      assert.match(err.message, message);
    }
  });

  test("names a missing module or export in the error", async () => {
    const template = structuredClone(templates.get("add")!);
    if (template.target.case !== "container") assert.fail("add has no container");
    const args = withFastExecute(template.target.value.args, bundleUrl);
    template.target.value.args = args.map((a) => (a === "tasks" ? "nowhere" : a));
    const missingModule = server.push({ attemptId: `a${nextId++}`, executionName: "e1", nodeId: "n0", task: template, inputs: ints({ a: 1, b: 1 }) });
    assert.match(errorOf(await server.completion(missingModule.attemptId)).message, /module 'nowhere' is not in the code \(it has: tasks\).* \(in the bundle .*\)/);
    const renamed = structuredClone(template);
    if (renamed.target.case === "container") renamed.target.value.args = args.map((a) => (a === "add" ? "subtract" : a));
    const missingExport = server.push({ attemptId: `a${nextId++}`, executionName: "e1", nodeId: "n0", task: renamed, inputs: ints({ a: 1, b: 1 }) });
    assert.match(errorOf(await server.completion(missingExport.attemptId)).message, /module 'tasks' has no task exported as 'subtract' \(in the bundle .*\)/);
  });
});
