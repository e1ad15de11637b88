// Eager tasks on the worker against a fake WorkerService: each awaited call of the body goes out
// as RunEagerChild (numbered, its tasks pointed at the bundle) and its answer comes back into the
// body — outputs as values, a failure as a rejection the body may catch; dropped calls are
// retried under the same number, and a call the server refuses fails the awaited call.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { ExecutionError_ErrorKind } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { CompleteRequest, RunEagerChildRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { loadProject, namesOf, specsOf } from "flytekit/internal";
import { bundleEntrySource } from "./bundle-format.ts";
import { workerFlytekit } from "./sdk-version.ts";
import { withFastExecute } from "./task-args.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { intOf, ints } from "./testing/literals.ts";
import { Worker } from "./worker.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");
const RUNTIME = fileURLToPath(import.meta.resolve("flytekit/internal"));

function outputOf(c: CompleteRequest): bigint | undefined {
  assert.equal(c.outcome.case, "outputs", `expected outputs, got ${c.outcome.case}: ${c.outcome.case === "error" ? c.outcome.value.error?.message : ""}`);
  return intOf(c.outcome.case === "outputs" ? c.outcome.value : undefined, "o0");
}

/** The `add` call's inputs, read from the one node of the call's spec. */
function addInputs(req: RunEagerChildRequest): { a: bigint; b: bigint } {
  const node = req.spec?.nodes[0];
  const get = (name: string): bigint => {
    const binding = node?.inputs.find((i) => i.var === name)?.binding?.value;
    if (binding?.case !== "scalar" || binding.value.value.case !== "primitive") assert.fail(`input ${name} of the call is not a constant`);
    const p = binding.value.value.value.value;
    return p.case === "integer" ? p.value : assert.fail(`input ${name} is not an integer`);
  };
  return { a: get("a"), b: get("b") };
}

describe("eager tasks on the worker", () => {
  let server: FakeWorkerService;
  let worker: Worker;
  let cacheDir: string;
  let bundleUrl: string;
  const templates = new Map<string, TaskTemplate>();
  let nextId = 0;

  const push = (task: string, inputs: LiteralMap) => {
    const template = structuredClone(templates.get(task)!);
    if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, bundleUrl);
    return server.push({ attemptId: `e${nextId++}`, project: "p", domain: "d", executionName: "e1", nodeId: "n2", task: template, inputs });
  };
  /** Runs `add` "on the server": the child's outputs are a + b; child ids count from e0 per attempt. */
  const addOnServer = (req: RunEagerChildRequest) => {
    const { a, b } = addInputs(req);
    return { childId: `e${req.callIndex}`, outcome: { case: "outputs" as const, value: ints({ o0: a + b }) } };
  };

  before(async () => {
    server = await new FakeWorkerService().start();
    cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-eager-"));
    const project = await loadProject(["tasks.ts"], TESTDATA);
    const entities = project.entities;
    for (const spec of specsOf(entities.map((e) => e.definition), { project: "p", domain: "d", version: "v1" })) {
      if (spec.kind === "task") templates.set(spec.name, spec.message.template!);
    }
    server.bundles.set("good.mjs", bundleEntrySource([{ module: "tasks", path: join(TESTDATA, "tasks.ts") }], RUNTIME, namesOf(project.modules), workerFlytekit().version));
    bundleUrl = `${server.url}/bundles/good.mjs`;
    worker = new Worker({ endpoint: server.url, cacheDir, leaseMs: 300, workerId: "w1", log: () => undefined });
    void worker.run();
  });

  after(async () => {
    await worker.stop(100);
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test("each awaited call runs on the server through RunEagerChild, and its outputs come back into the body", async () => {
    server.eagerChild = addOnServer;
    const a = push("twice", ints({ x: 4 }));
    // (4 + 1) + (4 + 1)
    assert.equal(outputOf(await server.completion(a.attemptId)), 10n);
    const calls = server.eagerCalls.filter((c) => c.attemptId === a.attemptId);
    assert.deepEqual(calls.map((c) => [c.workerId, c.callIndex, addInputs(c)]), [["w1", 0, { a: 4n, b: 1n }], ["w1", 1, { a: 5n, b: 5n }]]);
    const spec = calls[0]?.spec;
    assert.equal(spec?.nodes.length, 1);
    const addTemplate = spec?.tasks.find((t) => t.id?.name === "add");
    const args = addTemplate?.target.case === "container" ? addTemplate.target.value.args : [];
    assert.deepEqual(args.slice(0, 4), ["flyte", "fast-execute", "--additional-distribution", bundleUrl], "the called task runs from the eager task's bundle");
    assert.equal(addTemplate?.id?.version, "v1");
    assert.ok(calls[0]?.interface?.outputs?.variables["o0"] !== undefined, "the call's interface types its outputs");
  });

  test("an eager body waiting on a call lends its slot, so its child can run on the same one-slot worker", async () => {
    // The fake queues the child for this worker and answers only once the worker has completed it.
    server.eagerChild = async (req) => {
      const { a, b } = addInputs(req);
      const child = push("add", ints({ a, b }));
      const done = await server.completion(child.attemptId, 30_000);
      return { childId: "e0", outcome: { case: "outputs", value: done.outcome.case === "outputs" ? done.outcome.value : ints({}) } };
    };
    const a = push("smart", ints({ x: 6 }));
    assert.equal(outputOf(await server.completion(a.attemptId)), 7n);
  });

  test("a failed call rejects the awaited call: caught in the body, or failing the task naming the child node", async () => {
    server.eagerChild = (req) => ({ childId: `e${req.callIndex + 3}`, outcome: { case: "error", value: { code: "USER:Error", message: "add broke", kind: ExecutionError_ErrorKind.USER } } });
    const caught = push("careful", ints({ x: 1 }));
    assert.equal(outputOf(await server.completion(caught.attemptId)), -1n);
    const uncaught = await server.completion(push("smart", ints({ x: 1 })).attemptId);
    assert.equal(uncaught.outcome.case, "error");
    const error = uncaught.outcome.case === "error" ? uncaught.outcome.value.error : undefined;
    assert.equal(error?.code, "USER:E_EAGER_CALL_FAILED");
    assert.match(error?.message ?? "", /the call of task 'add' \(node n2-e3\) failed: add broke/);
  });

  test("a call whose connection drops is repeated under the same number, so the server runs it once", async () => {
    let failures = 0;
    server.eagerChild = (req) => {
      if (failures++ < 2) throw new ConnectError("the server went away", Code.Unavailable);
      return addOnServer(req);
    };
    const a = push("smart", ints({ x: 20 }));
    assert.equal(outputOf(await server.completion(a.attemptId)), 21n);
    assert.deepEqual(server.eagerCalls.filter((c) => c.attemptId === a.attemptId).map((c) => c.callIndex), [0, 0, 0]);
  });

  test("a call the server refuses (the lease is no longer this worker's) fails the awaited call, not the worker", async () => {
    server.eagerChild = () => {
      throw new ConnectError("attempt 7 is expired, not running on worker \"w1\"", Code.FailedPrecondition);
    };
    const a = push("smart", ints({ x: 1 }));
    const c = await server.completion(a.attemptId);
    assert.equal(c.outcome.case, "error");
    assert.match(c.outcome.case === "error" ? (c.outcome.value.error?.message ?? "") : "", /could not be run on the server \(FailedPrecondition: attempt 7 is expired/);
    assert.equal(server.eagerCalls.filter((r) => r.attemptId === a.attemptId).length, 1, "a refusal is not retried");
    server.eagerChild = addOnServer;
    assert.equal(outputOf(await server.completion(push("smart", ints({ x: 2 })).attemptId)), 3n);
  });
});
