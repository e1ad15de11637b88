import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { TaskTemplateSchema, RuntimeMetadata_RuntimeType, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { openDatabase } from "../db/database.ts";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { intMap } from "../testing/literals.ts";
import { UNSUPPORTED_RUNTIME_CODE, unsupportedRuntimeReason } from "./task-runtime.ts";
import { workerService } from "./worker-service.ts";
import { WorkerTaskRunner } from "./worker-task-runner.ts";

/** A task template shaped like flytekit's (Python) output in Flyte's corpus. */
function pythonTask(name: string, type: string, container?: { image: string; command?: string[]; args?: string[] }): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: { project: "p", domain: "d", name, version: "v1" },
    type,
    metadata: { runtime: { type: RuntimeMetadata_RuntimeType.FLYTE_SDK, version: "1.10.0", flavor: "python" } },
    ...(container === undefined ? {} : { target: { case: "container", value: container } }),
  });
}

describe("tasks this backend's workers cannot run", () => {
  test("a flytekit Python task names its image and pyflyte command", () => {
    const task = pythonTask("wf.t1", "python-task", { image: "cr.flyte.org/flyteorg/flytekit:py3.11", args: ["pyflyte-execute", "--inputs", "{{.input}}"] });
    assert.equal(
      unsupportedRuntimeReason(task),
      "task 'wf.t1' needs a Python container (image cr.flyte.org/flyteorg/flytekit:py3.11, command pyflyte-execute); " +
        "this backend's workers run TypeScript tasks registered with `flyte register`.",
    );
    const mapped = pythonTask("m", "container_array", { image: "img", args: ["pyflyte-map-execute"] });
    assert.match(unsupportedRuntimeReason(mapped) ?? "", /Python container \(image img, command pyflyte-map-execute\)/);
  });

  test("a raw container and a plugin task say what they need", () => {
    const raw = pythonTask("ellipse", "raw-container", { image: "ghcr.io/flyteorg/rawcontainers-r:v1", command: ["Rscript", "--vanilla", "x.R"] });
    assert.match(unsupportedRuntimeReason(raw) ?? "", /^task 'ellipse' \(type raw-container\) runs its own container \(image ghcr.io\/flyteorg\/rawcontainers-r:v1, command Rscript --vanilla\)/);
    const sensor = pythonTask("my-sensor", "object-store-sensor");
    assert.match(unsupportedRuntimeReason(sensor) ?? "", /^task 'my-sensor' \(type object-store-sensor, no container\) needs a Flyte backend plugin or agent/);
  });

  test("our SDK's tasks, and templates without a sign of another runtime, go to the workers", () => {
    const ours = create(TaskTemplateSchema, {
      id: { name: "t" },
      metadata: { runtime: { flavor: "typescript" } },
      target: { case: "container", value: { args: ["flyte", "execute", "--", "task-module", "m", "task-name", "t"] } },
    });
    assert.equal(unsupportedRuntimeReason(ours), undefined);
    assert.equal(unsupportedRuntimeReason(create(TaskTemplateSchema, { target: { case: "container", value: { args: ["testArg"] } } })), undefined);
  });

  test("dispatch fails such an attempt at once, without queuing it for a worker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyte-task-runtime-"));
    const db = openDatabase(join(dir, "flyte.db"), { fsync: false });
    const queue = new AttemptQueue(db);
    const runner = new WorkerTaskRunner({ queue, expiryCheckMs: 60_000 });
    const service = workerService({ queue, runner });
    try {
      const task = pythonTask("wf.t1", "python-task", { image: "img:1", args: ["pyflyte-execute"] });
      const result = await runner.run({ executionId: "p:d:e1", nodeId: "n0", attempt: 0, task, inputs: intMap({}), signal: new AbortController().signal });
      assert.equal(result.kind, "failure");
      assert.equal(result.kind === "failure" && result.error.code, UNSUPPORTED_RUNTIME_CODE);
      assert.equal(result.kind === "failure" && result.error.recoverable, false);
      assert.equal(await queue.pendingCount(), 0, "nothing was queued");
    } finally {
      runner.close();
      await service.settled();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
