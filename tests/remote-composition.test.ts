// Every composition feature end to end: the examples run through `flyte run --remote --wait
// --json` on a real `flyte start` with two pooled workers, and print what a local `flyte run
// --json` prints; failures fail both ways with the same message. The tests run concurrently
// against one server (independent executions), four at a time: each test starts two `flyte`
// processes, and all of them at once on a 2-core machine starve the server and its workers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CatalogCacheStatus } from "@flyte/idl/gen/flyteidl/core/catalog_pb.js";
import { TaskExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { flyteAsync, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const EX = "examples/composition";

type State = { phase: string; outputs?: unknown; error?: { code: string; message: string } };

describe("composition features run remotely as they run locally", { concurrency: 4 }, () => {
  let dataDir: string;
  let server: ServerProcess;
  let admin: Client<typeof AdminService>;
  const remote = (...args: string[]): Promise<ProcessResult> => flyteAsync([...args, "--endpoint", server.url]);
  const ok = async (...args: string[]): Promise<string> => {
    const res = await remote(...args);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };
  const state = async (name: string): Promise<State> => JSON.parse(await ok("get", "execution", name, "--json")) as State;
  const until = async (name: string, done: (e: State) => boolean): Promise<State> => {
    for (let i = 0; ; i++) {
      const s = await state(name);
      if (done(s)) return s;
      assert.ok(i < 150, `execution ${name} stayed ${s.phase}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // FAILING and SUCCEEDING are on the way to an end (a failure node may still be running).
  const ended = (e: State): boolean => !["UNDEFINED", "QUEUED", "RUNNING", "FAILING", "SUCCEEDING"].includes(e.phase);
  // `run --remote --wait --json` prints only the outputs: the tests name their executions.
  let named = 0;
  const nextName = (): string => `t${++named}-${process.pid}`;
  /** Runs ENTITY of FILE locally and remotely (at once); both must print the same outputs. */
  const same = async (file: string, entity: string, ...inputs: string[]): Promise<{ name: string; local: ProcessResult; remote: ProcessResult }> => {
    const name = nextName();
    const [local, far] = await Promise.all([
      flyteAsync(["run", file, entity, ...inputs, "--json"]),
      remote("run", "--remote", file, entity, ...inputs, "--wait", "--json", "--name", name),
    ]);
    assert.equal(local.status, 0, `local run of ${entity} failed:\n${local.stderr}`);
    assert.equal(far.status, 0, `remote run of ${entity} failed:\n${far.stderr}`);
    assert.equal(far.stdout, local.stdout, `${entity}: remote outputs differ from local ones`);
    return { name, local, remote: far };
  };
  /** Runs ENTITY locally and remotely; both must fail (exit 1) with a message matching `message`. */
  const bothFail = async (file: string, entity: string, inputs: string[], message: RegExp): Promise<string> => {
    const name = nextName();
    const [local, far] = await Promise.all([
      flyteAsync(["run", file, entity, ...inputs, "--json"]),
      remote("run", "--remote", file, entity, ...inputs, "--wait", "--json", "--name", name),
    ]);
    assert.equal(local.status, 1, `local run of ${entity} did not fail:\n${local.stdout}${local.stderr}`);
    assert.equal(far.status, 1, `remote run of ${entity} did not fail:\n${far.stdout}${far.stderr}`);
    assert.match(local.stderr, message);
    assert.match(far.stderr, message);
    return name;
  };
  const nodePhases = async (name: string): Promise<Record<string, string>> => {
    const out = await ok("get", "nodes", name);
    return Object.fromEntries(out.trim().split("\n").slice(1).map((line) => line.trim().split(/ +/).slice(0, 2) as [string, string]));
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-remote-composition-"));
    // Short leases: a terminated attempt is noticed at the next heartbeat (a third of the lease).
    server = await startServerProcess(dataDir, ["--workers", "2"], { FLYTE_WORKER_LEASE_MS: "1500" });
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the seed workflow", async () => {
    const { remote: far } = await same("examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello");
    assert.equal(far.stdout, '{"o0":52,"o1":"helloworld"}\n');
  });

  test("conditionals take the same branch, nested ones too", async () => {
    await same(`${EX}/conditionals.ts`, "shape_wf", "--x", "0.5");
    await same(`${EX}/conditionals.ts`, "shape_wf", "--x", "4");
    const { remote: far } = await same(`${EX}/conditionals.ts`, "nested_wf", "--seed", "2", "--who", "world");
    assert.equal(far.stdout, '{"o0":"HELLO EVERYONE!"}\n');
  });

  test("a conditional's fail branch fails the run with its message", async () => {
    const name = await bothFail(`${EX}/conditionals.ts`, "shape_wf", ["--x", "-1"], /the input must be positive/);
    const s = await state(name);
    assert.equal(s.phase, "FAILED");
    assert.match(s.error?.message ?? "", /the input must be positive/);
  });

  test("a sub-workflow runs inside the execution, its nodes reported under the parent node", async () => {
    const { name, remote: far } = await same(`${EX}/sub-workflows.ts`, "parent_wf", "--a", "3");
    assert.equal(far.stdout, '{"o0":"total=12"}\n');
    const inner = await admin.listNodeExecutions({ workflowExecutionId: { project: PROJECT, domain: DOMAIN, name }, uniqueParentId: "n0", limit: 100 });
    assert.deepEqual(inner.nodeExecutions.map((n) => n.id?.nodeId).sort(), ["n0-0-n0", "n0-0-n1"]);
  });

  test("a launch plan node runs as a child execution", async () => {
    const { name, remote: far } = await same(`${EX}/launch-plans.ts`, "launcher_wf", "--a", "7");
    assert.equal(far.stdout, '{"o0":"REPORT 7 FOR X"}\n');
    assert.match(await ok("get", "executions", "--limit", "100"), new RegExp(`^${name}-n0 +hourly_report +SUCCEEDED`, "m"));
  });

  test("map tasks map tasks and workflows, and a min success ratio turns failed items into nulls", async () => {
    await same(`${EX}/map-tasks.ts`, "greet_all", "--names", '["ada","alan","grace"]');
    await same(`${EX}/map-tasks.ts`, "per_city", "--cities", '["Oslo","Lima"]');
    const { remote: far } = await same(`${EX}/map-tasks.ts`, "lenient", "--xs", "[1,2,3,4,5,6]");
    assert.equal(far.stdout, '{"o0":[1,0.5,null,0.25,0.2,null]}\n');
  });

  test("a map whose failures exceed the min success ratio fails", async () => {
    await bothFail(`${EX}/map-tasks.ts`, "lenient", ["--xs", "[3,6,9,1]"], /multiple of 3/);
  });

  test("a dynamic task builds and runs its graph on the server, which serves the workflow it ran", async () => {
    const { name, remote: far } = await same(`${EX}/dynamic.ts`, "fan_wf", "--n", "3");
    assert.equal(far.stdout, '{"o0":"item-0,item-1,item-2"}\n');
    // GetNodeExecutionData carries the compiled dynamic workflow, with its children's edges.
    const id = { executionId: { project: PROJECT, domain: DOMAIN, name }, nodeId: "n0" };
    const data = await admin.getNodeExecutionData({ id });
    const compiled = data.dynamicWorkflow?.compiledWorkflow?.primary;
    assert.equal(data.dynamicWorkflow?.id?.name, "fan.dynamic");
    assert.deepEqual(compiled?.template?.nodes.map((n) => n.id).filter((n) => n.startsWith("dn")).sort(), ["dn0", "dn1", "dn2", "dn3"]);
    assert.deepEqual([...(compiled?.connections?.upstream["dn3"]?.ids ?? [])].sort(), ["dn0", "dn1", "dn2"], "join waits for the three labels");
    const alone = await admin.getDynamicNodeWorkflow({ id });
    assert.equal(alone.compiledWorkflow?.primary?.template?.id?.name, "fan.dynamic");
    const { name: none } = await same(`${EX}/dynamic.ts`, "fan_wf", "--n", "0");
    const noneId = { executionId: { project: PROJECT, domain: DOMAIN, name: none }, nodeId: "n0" };
    assert.equal((await admin.getNodeExecutionData({ id: noneId })).dynamicWorkflow, undefined, "a spec without nodes ran no workflow");
    await assert.rejects(admin.getDynamicNodeWorkflow({ id: noneId }), /ran no dynamic workflow/);
  });

  test("gates wait for flyte signal, then the execution finishes as a local run does", async () => {
    const local = await flyteAsync(["run", `${EX}/gates.ts`, "report_wf", "--n", "4", "--signal", "title=Daily", "--signal", "publish=yes", "--json"]);
    assert.equal(local.status, 0, local.stderr);
    const { name } = JSON.parse(await ok("run", "--remote", `${EX}/gates.ts`, "report_wf", "--n", "4", "--json")) as { name: string };
    for (const [signal, value] of [["title", "Daily"], ["publish", "yes"]] as const) {
      for (let i = 0; ; i++) {
        const res = await remote("signal", signal, "--execution", name, "--value", value);
        if (res.status === 0) break;
        assert.match(res.stderr, /has no signal/);
        assert.ok(i < 100, `signal ${signal} never appeared: ${res.stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const s = await until(name, ended);
    assert.equal(s.phase, "SUCCEEDED");
    assert.equal(`${JSON.stringify(s.outputs)}\n`, local.stdout);
  });

  test("the failure node runs the onFailure handler with the error, and the run still fails", async () => {
    const name = await bothFail(`${EX}/failure-handling.ts`, "cluster_wf", ["--size", "0"], /cannot train on 0 machines/);
    // FAIL_AFTER_EXECUTABLE_NODES_COMPLETE: the independent nodes finished too.
    assert.deepEqual(await nodePhases(name), { n0: "SUCCEEDED", n1: "SUCCEEDED", n2: "FAILED", fn0: "SUCCEEDED" });
    assert.match(await ok("get", "logs", name, "--node", "fn0"), /cleaning up cluster of size 0 after n2 failed: .*cannot train on 0 machines/);

    // Recover, fixing nothing: the nodes that succeeded are reused, the failed one fails again.
    const recovered = (await ok("recover", name)).trim();
    assert.equal((await until(recovered, ended)).phase, "FAILED");
    const phases = await nodePhases(recovered);
    assert.equal(phases["n0"], "RECOVERED");
    assert.equal(phases["n1"], "RECOVERED");
    assert.equal(phases["n2"], "FAILED");
  });

  test("a recoverable error is retried until the task succeeds, each attempt recorded", async () => {
    const { name, remote: far } = await same("tests/testdata/remote-composition.ts", "flaky_wf", "--succeed_on", "3");
    assert.equal(far.stdout, '{"o0":3}\n');
    const attempts = await admin.listTaskExecutions({ nodeExecutionId: { executionId: { project: PROJECT, domain: DOMAIN, name }, nodeId: "n0" }, limit: 10 });
    const phases = attempts.taskExecutions.map((t) => [t.id?.retryAttempt, TaskExecution_Phase[t.closure?.phase ?? 0]]);
    assert.deepEqual(phases.sort(), [[0, "RETRYABLE_FAILED"], [1, "RETRYABLE_FAILED"], [2, "SUCCEEDED"]]);
  });

  test("retries run out on a task that keeps failing", async () => {
    await bothFail("tests/testdata/remote-composition.ts", "flaky_wf", ["--succeed_on", "9"], /retries exhausted/);
  });

  test("a task running past its timeout times the execution out", async () => {
    const name = await bothFail("tests/testdata/remote-composition.ts", "nap_wf", ["--ms", "20000"], /ran longer than its timeout of 1000 ms/);
    assert.equal((await state(name)).phase, "TIMED_OUT");
  });

  test("a cacheable task's second execution hits the cache", async () => {
    const first = await ok("run", "--remote", `${EX}/caching.ts`, "squares_wf", "--n", "12", "--wait", "--json");
    const local = await flyteAsync(["run", `${EX}/caching.ts`, "squares_wf", "--n", "12", "--json", "--no-cache"]);
    assert.equal(first, local.stdout);
    const second = nextName();
    assert.equal(await ok("run", "--remote", `${EX}/caching.ts`, "squares_wf", "--n", "12", "--wait", "--json", "--name", second), first);
    const cacheStatus = async (name: string, nodeId: string): Promise<string> => {
      const node = await admin.getNodeExecution({ id: { executionId: { project: PROJECT, domain: DOMAIN, name }, nodeId } });
      const meta = node.closure?.targetMetadata;
      return CatalogCacheStatus[meta?.case === "taskNodeMetadata" ? meta.value.cacheStatus : CatalogCacheStatus.CACHE_DISABLED] ?? "?";
    };
    assert.equal(await cacheStatus(second, "n0"), "CACHE_HIT");
    assert.equal(await cacheStatus(second, "n1"), "CACHE_HIT");
    assert.equal(await ok("get", "logs", second), "", "a cache hit runs no attempt, so there is no log");
  });

  test("terminate aborts a running execution", async () => {
    const { name } = JSON.parse(await ok("run", "--remote", "tests/testdata/remote.ts", "slow_wf", "--ms", "60000", "--json")) as { name: string };
    await until(name, (e) => e.phase === "RUNNING");
    assert.equal(await ok("terminate", name, "--cause", "enough"), `terminated ${name}\n`);
    assert.equal((await until(name, ended)).phase, "ABORTED");
  });

  test("relaunch runs the same launch plan with the same inputs again", async () => {
    const { name, remote: far } = await same(`${EX}/sub-workflows.ts`, "parent_wf", "--a", "5");
    const relaunched = (await ok("relaunch", name)).trim();
    const s = await until(relaunched, ended);
    assert.equal(s.phase, "SUCCEEDED");
    assert.equal(`${JSON.stringify(s.outputs)}\n`, far.stdout);
  });
});
