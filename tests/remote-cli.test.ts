// The remote commands end to end: a real `flyte start` with one pooled worker, and the CLI
// registering code, running executions on it, reading them back, terminating and signalling.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

describe("remote commands against flyte start", () => {
  let dataDir: string;
  let server: ServerProcess;
  const at = (): string[] => ["--endpoint", server.url];
  const flyte = async (...args: string[]): Promise<ProcessResult> => flyteAsync([...args, ...at()]);
  const ok = async (...args: string[]): Promise<string> => {
    const res = await flyte(...args);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };
  /** Polls `get execution --json` until `done` holds. */
  type State = { phase: string; outputs?: unknown; error?: { message: string } };
  const until = async (name: string, done: (e: State) => boolean): Promise<State & { error: { message: string } }> => {
    for (let i = 0; ; i++) {
      const state = JSON.parse(await ok("get", "execution", name, "--json")) as State & { error: { message: string } };
      if (done(state)) return state;
      assert.ok(i < 150, `execution ${name} stayed ${state.phase}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-remote-cli-"));
    server = await startServerProcess(dataDir, ["--workers", "1"]);
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("register prints what it registered, and identical code registers again under the same version", async () => {
    const first = await ok("register", "tests/testdata/remote.ts");
    const version = /under version (\S+) on/.exec(first)?.[1];
    assert.ok(version !== undefined, first);
    assert.match(first, new RegExp(`registered task +shout:${version}`));
    assert.match(first, new RegExp(`registered workflow +fails_wf:${version}`));
    assert.match(first, new RegExp(`registered launch plan slow_wf:${version}`));
    const again = JSON.parse(await ok("register", "tests/testdata/remote.ts", "--json"));
    assert.equal(again.version, version);
    assert.equal(again.registered.length, 9); // three tasks, three workflows, their launch plans
  });

  test("register refuses a different spec under an existing version, saying what to do", async () => {
    await ok("register", "tests/testdata/remote.ts", "--version", "fixed-1");
    const res = await flyte("register", "tests/testdata/remote-changed.ts", "--version", "fixed-1");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /task shout version fixed-1 already exists with a different spec; use a new --version/);
  });

  test("run --remote --wait --json prints the outputs as a local run does", async () => {
    const out = await ok("run", "--remote", "examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello", "--wait", "--json");
    assert.equal(out, '{"o0":52,"o1":"helloworld"}\n');
  });

  test("run --remote prints the execution's name, and get execution --json shows its phase and outputs", async () => {
    const { name } = JSON.parse(await ok("run", "--remote", "tests/testdata/remote.ts", "shout_wf", "--text", "hi", "--json"));
    assert.match(name, /^[a-z0-9]+$/);
    const state = await until(name, (e) => e.phase === "SUCCEEDED");
    assert.deepEqual(state, { phase: "SUCCEEDED", outputs: { o0: "HI" } });
    const listed = await ok("get", "executions");
    assert.match(listed.split("\n")[0]!, /^NAME +LAUNCH PLAN +PHASE +STARTED +DURATION$/);
    assert.match(listed, new RegExp(`${name} +shout_wf +SUCCEEDED`));
    assert.match(await ok("get", "nodes", name), /n0 +SUCCEEDED/);
    const logs = await ok("get", "logs", name, "--node", "n0");
    assert.match(logs, /--- n0 attempt 1/);
    assert.match(logs, /shouting hi/);
    assert.match(logs, /\[n0\] INFO shouted/);
  });

  test("a single task runs remotely too", async () => {
    assert.equal(await ok("run", "--remote", "tests/testdata/remote.ts", "shout", "--text", "yo", "--wait", "--json"), '{"o0":"YO"}\n');
  });

  test("a failing execution exits non-zero with the task's error, which get execution shows", async () => {
    const res = await flyte("run", "--remote", "tests/testdata/remote.ts", "fails_wf", "--wait");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /FAILED: .*kaboom/);
    const name = /execution (\S+) started/.exec(res.stderr)?.[1];
    assert.ok(name !== undefined, res.stderr);
    const state = await until(name, (e) => e.phase === "FAILED");
    assert.match(state.error.message, /kaboom/);
  });

  test("signal gives a waiting gate its value, parsed by the signal's type", async () => {
    const { name } = JSON.parse(await ok("run", "--remote", "examples/composition/gates.ts", "report_wf", "--n", "3", "--json"));
    for (const [signal, value] of [["title", "Weekly"], ["publish", "yes"]] as const) {
      for (let i = 0; ; i++) {
        const res = await flyte("signal", signal, "--execution", name, "--value", value);
        if (res.status === 0) break;
        assert.match(res.stderr, /has no signal/);
        assert.ok(i < 100, `signal ${signal} never appeared: ${res.stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const state = await until(name, (e) => e.phase === "SUCCEEDED");
    assert.deepEqual(state.outputs, { o0: "Weekly: 6" });
  });

  test("relaunch and recover print the new execution's name", async () => {
    const { name } = JSON.parse(await ok("run", "--remote", "tests/testdata/remote.ts", "shout_wf", "--text", "again", "--json"));
    await until(name, (e) => e.phase === "SUCCEEDED");
    const relaunched = (await ok("relaunch", name)).trim();
    assert.match(relaunched, /^[a-z0-9]+$/);
    assert.notEqual(relaunched, name);
    assert.deepEqual((await until(relaunched, (e) => e.phase === "SUCCEEDED")).outputs, { o0: "AGAIN" });
    const recovered = (await ok("recover", name)).trim();
    assert.match(recovered, /^[a-z0-9]+$/);
    assert.notEqual(recovered, relaunched);
  });

  test("an unknown execution is named in the error", async () => {
    const res = await flyte("get", "execution", "no-such-run");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /execution 'no-such-run' was not found in project flytesnacks, domain development/);
  });

  test("flyte start restarts a pooled worker that dies", async () => {
    const ps = spawnSync("ps", ["-o", "pid=", "--ppid", String(server.child.pid)], { encoding: "utf8" });
    const pids = ps.stdout.split("\n").map((l) => Number(l.trim())).filter((p) => p > 0);
    assert.equal(pids.length, 1, `expected one worker process under flyte start, found ${ps.stdout}`);
    process.kill(pids[0]!, "SIGKILL");
    for (let i = 0; !/worker 0 exited \(SIGKILL\); restarting/.test(server.stderr()); i++) {
      assert.ok(i < 100, `no restart notice:\n${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await ok("run", "--remote", "tests/testdata/remote.ts", "shout", "--text", "back", "--wait", "--json"), '{"o0":"BACK"}\n');
  });

  // Last: the worker learns of the termination at its next heartbeat (lease/3 = 10 s) and is
  // busy until then.
  test("terminate aborts a running execution", async () => {
    const { name } = JSON.parse(await ok("run", "--remote", "tests/testdata/remote.ts", "slow_wf", "--ms", "60000", "--json"));
    await until(name, (e) => e.phase === "RUNNING");
    assert.equal(await ok("terminate", name), `terminated ${name}\n`);
    await until(name, (e) => e.phase === "ABORTED");
  });
});

describe("remote commands without a server", () => {
  test("say the server cannot be reached and how to start one", async () => {
    const res = await flyteAsync(["get", "executions", "--endpoint", "http://127.0.0.1:9"]);
    assert.equal(res.status, 1);
    assert.equal(res.stderr, "flyte: cannot reach the server at http://127.0.0.1:9: is `flyte start` running?\n");
  });
});
