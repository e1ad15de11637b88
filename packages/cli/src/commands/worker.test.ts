// `flyte worker` as a process, against a fake WorkerService serving a bundle built by
// `flyte register`'s bundler: runs tasks from it, survives a task that leaves an error uncaught
// (attributed to that attempt), and stops cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { withFastExecute } from "@flyte/worker";
import { FakeWorkerService } from "@flyte/worker/testing";
import { specsOf } from "flytekit/internal";
import { loadAndBundle } from "../remote/registration.ts";

const TESTDATA = resolve(import.meta.dirname, "../../../worker/src/testdata");
const BIN = resolve(import.meta.dirname, "../../bin/flyte.ts");

describe("flyte worker", () => {
  let server: FakeWorkerService;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let stderr = "";
  let cacheDir: string;
  const templates = new Map<string, TaskTemplate>();
  let n = 0;

  const push = (task: string, inputs = create(LiteralMapSchema)) => {
    const template = structuredClone(templates.get(task)!);
    if (template.target.case === "container") template.target.value.args = withFastExecute(template.target.value.args, `${server.url}/bundles/code.mjs`);
    return server.push({ attemptId: `w${n++}`, executionName: "e", nodeId: "n0", task: template, inputs });
  };

  before(async () => {
    server = await new FakeWorkerService().start();
    const { project, bundle } = await loadAndBundle(["tasks.ts"], TESTDATA, false);
    server.bundles.set("code.mjs", bundle.bytes);
    const entities = project.entities;
    for (const spec of specsOf(entities.map((e) => e.definition), { project: "p", domain: "d", version: "v" })) {
      if (spec.kind === "task") templates.set(spec.name, spec.message.template!);
    }
    cacheDir = mkdtempSync(join(tmpdir(), "flyte-worker-cli-"));
    child = spawn(process.execPath, [BIN, "worker", "--endpoint", server.url, "--cache-dir", cacheDir, "--lease-ms", "600", "--id", "cli-worker"], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    exited = new Promise((r) => child.once("exit", (code) => r(code)));
  });

  after(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test("runs a task from a bundle built by the bundler", async () => {
    const inputs = create(LiteralMapSchema, {
      literals: Object.fromEntries(
        Object.entries({ a: 20n, b: 22n }).map(([k, v]) => [k, { value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "integer" as const, value: v } } } } } }]),
      ),
    });
    const c = await server.completion(push("add", inputs).attemptId);
    assert.equal(c.outcome.case, "outputs", stderr);
    const out = c.outcome.case === "outputs" ? c.outcome.value.literals["o0"] : undefined;
    assert.deepEqual(out?.value.case === "scalar" && out.value.value.value.case === "primitive" ? out.value.value.value.value.value : undefined, { case: "integer", value: 42n });
    assert.equal(c.workerId, "cli-worker");
    assert.match(c.log, /adding 20 and 22/);
  });

  test("attributes an error a task leaves uncaught to its attempt, and keeps working", async () => {
    const c = await server.completion(push("leaky").attemptId);
    assert.equal(c.outcome.case, "error");
    assert.match(c.outcome.case === "error" ? c.outcome.value.error!.message : "", /left an error uncaught .*RangeError: detached failure/);
    const next = await server.completion(push("flaky").attemptId);
    assert.equal(next.outcome.case, "error");
    assert.equal(child.exitCode, null);
  });

  test("stops on SIGTERM with exit code 0", async () => {
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /flyte worker cli-worker: leasing from http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(server.downloads.get("code.mjs"), 1);
  });
});
