// Attempts run in isolates (real worker threads) against a fake WorkerService: timeouts and
// cancels stop synchronous loops, hostile bodies fail only their own attempt, limits.mem caps
// the heap, warm and fresh module state, streamed logs, secrets. After each misbehaving attempt
// the same worker (one slot) runs the next attempt.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { CompleteRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { loadProject, namesOf, specsOf } from "flytekit/internal";
import { bundleEntrySource } from "./bundle-format.ts";
import { workerFlytekit } from "./sdk-version.ts";
import { withFastExecute } from "./task-args.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { intOf, ints } from "./testing/literals.ts";
import { Worker } from "./worker.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");
const RUNTIME = fileURLToPath(import.meta.resolve("flytekit/internal"));
const SECRET = "hunter2-correct-horse";

function errorOf(c: CompleteRequest) {
  assert.equal(c.outcome.case, "error", `expected an error outcome, got ${c.outcome.case}`);
  return c.outcome.value.error!;
}

function outputOf(c: CompleteRequest): bigint | undefined {
  assert.equal(c.outcome.case, "outputs", `expected outputs, got ${c.outcome.case}: ${c.outcome.case === "error" ? c.outcome.value.error?.message : ""}`);
  return intOf(c.outcome.case === "outputs" ? c.outcome.value : undefined, "o0");
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("attempts in isolates", () => {
  let server: FakeWorkerService;
  let worker: Worker;
  let cacheDir: string;
  const templates = new Map<string, TaskTemplate>();
  let nextId = 0;
  let bundleUrl: string;

  const push = (task: string, inputs: LiteralMap = create(LiteralMapSchema), retryAttempt = 0) => {
    const template = structuredClone(templates.get(task)!);
    if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, bundleUrl);
    return server.push({ attemptId: `i${nextId++}`, project: "p", domain: "d", executionName: "e1", nodeId: "n0", retryAttempt, task: template, inputs });
  };

  /** The worker (one slot) still runs attempts: the next one succeeds. */
  const stillWorks = async (): Promise<void> => {
    assert.equal(outputOf(await server.completion(push("fine", ints({ a: 41 })).attemptId, 30_000)), 42n);
  };

  before(async () => {
    process.env["_FSEC_DB_PASSWORD"] = SECRET;
    server = await new FakeWorkerService().start();
    cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-iso-"));
    const project = await loadProject(["hostile.ts"], TESTDATA);
    const entities = project.entities;
    for (const spec of specsOf(entities.map((e) => e.definition), { project: "p", domain: "d", version: "v1" })) {
      if (spec.kind === "task") templates.set(spec.name, spec.message.template!);
    }
    server.bundles.set("hostile.mjs", bundleEntrySource([{ module: "hostile", path: join(TESTDATA, "hostile.ts") }], RUNTIME, namesOf(project.modules), workerFlytekit().version));
    bundleUrl = `${server.url}/bundles/hostile.mjs`;
    worker = new Worker({ endpoint: server.url, cacheDir, leaseMs: 600, workerId: "w-iso", graceMs: 200, logFlushMs: 100, log: () => {} });
    void worker.run();
    // Loads the bundle into a warm isolate, so that timed bodies start at once.
    await stillWorks();
  });

  after(async () => {
    await worker.stop(100);
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
    delete process.env["_FSEC_DB_PASSWORD"];
  });

  test("a synchronous infinite loop with a timeout is stopped at the timeout; its log is kept; the next attempt runs", async () => {
    const a = push("spin");
    await until("the attempt ends", () => server.streamedLog(a.attemptId).includes("timed out"));
    assert.equal(worker.runningAttempts.includes(a.attemptId), false);
    assert.equal(server.completions.some((c) => c.attemptId === a.attemptId), false, "the server records a timeout itself");
    assert.match(server.streamedLog(a.attemptId), /spinning\n[^]*\[flyte\] e1\/n0 attempt 1 timed out \(the attempt ran longer than its timeout of 3000 ms\); its isolate was stopped/);
    await stillWorks();
  });

  test("a body that never settles is stopped at its timeout; a polite one sees its signal aborted", async () => {
    const a = push("hang");
    const b = push("politeHang");
    await until("both end", () => ![a.attemptId, b.attemptId].some((id) => worker.runningAttempts.includes(id)) && server.streamedLog(b.attemptId).includes("timed out"));
    await stillWorks();
  });

  test("a cancel from the server stops a synchronous loop", async () => {
    const a = push("spinUntilStopped");
    await until("the attempt runs", () => worker.runningAttempts.includes(a.attemptId));
    server.cancelled.add(a.attemptId);
    await until("the attempt is stopped and its log closed", () => !worker.runningAttempts.includes(a.attemptId) && server.streamedLog(a.attemptId).includes("cancelled by the server"));
    await stillWorks();
  });

  test("process.exit(), a throw in a timer, an unhandled rejection and a stack overflow fail only their attempt", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["exits", "USER:ProcessExit", /called process\.exit\(3\)/],
      ["throwsLater", "USER:Uncaught", /SyntaxError: thrown in a timer/],
      ["rejectsDetached", "USER:Uncaught", /RangeError: detached failure/],
      ["overflows", "USER:RangeError", /call stack/],
    ];
    for (const [task, code, message] of cases) {
      const c = await server.completion(push(task).attemptId, 30_000);
      const err = errorOf(c);
      assert.equal(err.code, code, task);
      assert.match(err.message, message, task);
      assert.match(c.log, new RegExp(`\\[flyte\\] e1/n0 attempt 1 failed: ${code}`), `${task}: the log ends with the error`);
      await stillWorks();
    }
  });

  test("limits.mem caps the heap: going over fails the attempt as OOMKilled", async () => {
    const err = errorOf(await server.completion(push("hog").attemptId, 60_000));
    assert.equal(err.code, "USER:OOMKilled");
    assert.match(err.message, /task 'hog' ran out of memory: it used more than its memory limit \(limits.mem, 64 MiB/);
    await stillWorks();
  });

  test("warm isolation keeps module state between attempts of a bundle; fresh starts anew", async () => {
    const warm = [];
    for (let i = 0; i < 3; i++) warm.push(outputOf(await server.completion(push("counterWarm").attemptId, 30_000)));
    assert.ok(warm[2]! > warm[0]!, `a warm isolate keeps its counter: ${warm.join(", ")}`);
    for (let i = 0; i < 2; i++) assert.equal(outputOf(await server.completion(push("counterFresh").attemptId, 30_000)), 1n);
  });

  test("a running attempt's log reaches the server before the attempt ends", async () => {
    const a = push("chatty");
    await until("the first line is streamed", () => server.streamedLog(a.attemptId).includes("first line, before the wait"));
    assert.equal(server.completions.some((c) => c.attemptId === a.attemptId), false, "the attempt is still running");
    const c = await server.completion(a.attemptId, 30_000);
    assert.match(c.log, /first line, before the wait/);
  });

  test("a declared secret reaches the task from the worker's environment and is redacted from its log", async () => {
    const c = await server.completion(push("secretive").attemptId, 30_000);
    assert.equal(outputOf(c), BigInt(SECRET.length));
    assert.match(c.log, /the password is \[redacted\]/);
    assert.equal(c.log.includes(SECRET), false);
    assert.equal(server.streamedLog(c.attemptId).includes(SECRET), false);
  });
});
