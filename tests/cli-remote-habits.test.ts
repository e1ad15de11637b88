// What pyflyte / flytectl users reach for, against a real `flyte start` with one worker: the
// config file pointing remote commands at it, `get tasks | workflows | launchplans`, launch
// plans run by name without their source, relaunch / recover --wait --json, nested nodes (map
// items too), logs of nested nodes with attempt numbers, and logs --follow.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const FILE = "tests/testdata/cli-habits.ts";

describe("Flyte users' habits against flyte start", () => {
  let home: string;
  let dataDir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  const flyte = (...args: string[]): Promise<ProcessResult> => flyteAsync(args, 120_000, env);
  const ok = async (...args: string[]): Promise<string> => {
    const res = await flyte(...args);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "flyte-cli-habits-home-"));
    dataDir = mkdtempSync(join(tmpdir(), "flyte-cli-habits-"));
    server = await startServerProcess(dataDir, ["--workers", "1"]);
    // Every command below finds the server through ~/.flyte/config.yaml, as Flyte writes it.
    mkdirSync(join(home, ".flyte"));
    writeFileSync(join(home, ".flyte", "config.yaml"), `admin:\n  endpoint: dns:///127.0.0.1:${server.port}\n  insecure: true\nproject: flytesnacks\ndomain: development\n`);
    env = { HOME: home, FLYTE_CONFIG: "", FLYTE_ENDPOINT: "", FLYTE_PROJECT: "", FLYTE_DOMAIN: "" };
    await ok("register", FILE, "--version", "v1");
    await ok("register", FILE, "--version", "v2");
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  test("get tasks / workflows / launchplans list names with their latest version and count", async () => {
    const tasks = await ok("get", "tasks");
    assert.match(tasks.split("\n")[0]!, /^NAME +LATEST VERSION +VERSIONS +CREATED$/);
    assert.match(tasks, /^greet +v2 +2 +\d{4}-/m);
    const versions = (await ok("get", "workflows", "outer")).trim().split("\n");
    assert.match(versions[0]!, /^VERSION +CREATED$/);
    assert.deepEqual(versions.slice(1).map((l) => l.split(/ +/)[0]), ["v2", "v1"]); // newest first
    const lps = JSON.parse(await ok("get", "launchplans", "--json")) as Array<Record<string, unknown>>;
    assert.deepEqual(lps.find((l) => l["name"] === "label_lp"), { name: "label_lp", latestVersion: "v2", versions: 2, createdAt: lps.find((l) => l["name"] === "label_lp")?.["createdAt"], activeVersion: null, schedule: null });
    const lpVersions = JSON.parse(await ok("get", "launchplans", "label_lp", "--json")) as Array<Record<string, unknown>>;
    assert.deepEqual(lpVersions.map((v) => [v["version"], v["active"]]), [["v2", false], ["v1", false]]);
    const missing = await flyte("get", "tasks", "no_such_task");
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no task named 'no_such_task' is registered in project flytesnacks, domain development on http:\/\/127\.0\.0\.1:\d+; 'flyte get tasks' lists them/);
  });

  test("a registered launch plan runs by name, with inputs parsed from its registered interface", async () => {
    assert.equal(await ok("run", "--remote", "--launch-plan", "label_lp", "--wait", "--json"), '{"o0":"t:eu:3"}\n');
    assert.equal(await ok("run", "--remote", "--launch-plan", "label_lp", "--version", "v1", "--a", "5", "--tag", "z", "--wait", "--json"), '{"o0":"z:eu:5"}\n');
    // A workflow's default launch plan has its name.
    assert.equal(await ok("run", "--remote", "--launch-plan", "outer", "--who", "ann", "--wait", "--json"), '{"o0":"hello hello ann!?"}\n');
    const fixed = await flyte("run", "--remote", "--launch-plan", "label_lp", "--region", "us");
    assert.equal(fixed.status, 2);
    assert.match(fixed.stderr, /input --region is fixed by launch plan 'label_lp' to "eu" and cannot be given/);
    const missing = await flyte("run", "--remote", "--launch-plan", "label_wf", "--a", "1");
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing input --region \(string\); run 'flyte run --remote --launch-plan label_wf --help' for its inputs/);
    const unknown = await flyte("run", "--remote", "--launch-plan", "label_lp", "--colour", "red");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /launch plan 'label_lp' has no input or option --colour \(its inputs: --a, --tag\)/);
    const help = await ok("run", "--remote", "--launch-plan", "label_lp", "--help");
    assert.match(help, /^ {2}--a integer +default 3$/m);
    assert.match(help, /fixed inputs \(not to be given\): region="eu"/);
    const none = await flyte("run", "--remote", "--launch-plan", "no_such_lp");
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no launch plan named 'no_such_lp' is registered in project flytesnacks, domain development/);
  });

  test("relaunch and recover --wait --json print the outputs, or fail with the error", async () => {
    await ok("run", "--remote", "--launch-plan", "outer", "--who", "bo", "--name", "outer-first", "--wait");
    assert.equal(await ok("relaunch", "outer-first", "--wait", "--json"), '{"o0":"hello hello bo!?"}\n');
    assert.equal(await ok("recover", "outer-first", "--wait", "--json", "--name", "outer-recovered"), '{"o0":"hello hello bo!?"}\n');
    const failed = await flyte("run", "--remote", "--launch-plan", "broken_wf", "--n", "4", "--name", "broken-first", "--wait", "--json");
    assert.equal(failed.status, 1);
    for (const rerun of [await flyte("relaunch", "broken-first", "--wait", "--json"), await flyte("recover", "broken-first", "--wait", "--json")]) {
      assert.equal(rerun.status, 1);
      assert.match(rerun.stderr, /FAILED: .*broken on 4/);
      const out = JSON.parse(rerun.stdout) as { phase: string; error: { message: string } };
      assert.equal(out.phase, "FAILED");
      assert.match(out.error.message, /broken on 4/);
    }
  });

  test("get nodes shows sub-workflow nodes, eager children and map items nested under their parents", async () => {
    await ok("run", "--remote", "--launch-plan", "outer", "--who", "cy", "--name", "outer-nodes", "--wait");
    const tree = await ok("get", "nodes", "outer-nodes");
    assert.match(tree, /^n0 +SUCCEEDED[^\n]*\n {2}n0-0-n0 +SUCCEEDED[^\n]*\n {2}n0-0-n1 +SUCCEEDED/m);
    const json = JSON.parse(await ok("get", "nodes", "outer-nodes", "--json")) as Array<{ id: string; parent: string | null; depth: number }>;
    assert.deepEqual(json.map((n) => [n.id, n.parent, n.depth]), [["n0", null, 0], ["n0-0-n0", "n0", 1], ["n0-0-n1", "n0", 1]]);
    await ok("run", "--remote", "--launch-plan", "twice_wf", "--n", "2", "--name", "eager-nodes", "--wait");
    const eager = await ok("get", "nodes", "eager-nodes");
    assert.match(eager, /^ {2}n0-e0 +SUCCEEDED/m);
    assert.match(eager, /^ {4}n0-e0-n0 +SUCCEEDED/m);
    assert.match(eager, /^ {2}n0-e1 +SUCCEEDED/m);
    await ok("run", "--remote", "--launch-plan", "shout_all", "--xs", '["a","b","c"]', "--name", "map-nodes", "--wait");
    const items = JSON.parse(await ok("get", "nodes", "map-nodes", "--json")) as Array<{ id: string; parent: string | null; phase: string }>;
    assert.deepEqual(items.map((n) => [n.id, n.parent, n.phase]), [["n0", null, "SUCCEEDED"], ["n0-0", "n0", "SUCCEEDED"], ["n0-1", "n0", "SUCCEEDED"], ["n0-2", "n0", "SUCCEEDED"]]);
    assert.match(await ok("get", "logs", "map-nodes", "--node", "n0-1"), /^--- n0-1 attempt 1 ---\nitem b\n$/);
  });

  test("get logs --node takes nested ids, and numbers attempts from 1 as the task itself does", async () => {
    await ok("run", "--remote", "--launch-plan", "outer", "--who", "di", "--name", "outer-logs", "--wait");
    const inner = await ok("get", "logs", "outer-logs", "--node", "n0-0-n1");
    assert.match(inner, /^--- n0-0-n1 attempt 1\/1 ---\ngreeting hello di!\n/);
    assert.doesNotMatch(inner, /greeting di\n/); // n0-0-n0's log is not shown
    await ok("run", "--remote", "--launch-plan", "twice_wf", "--n", "1", "--name", "eager-logs", "--wait");
    const child = await ok("get", "logs", "eager-logs", "--node", "n0-e1");
    // wobbly prints its 1-based attempt number; the header of that attempt says the same.
    assert.match(child, /--- n0-e1-n0 attempt 2\/3 ---\nwobbly attempt 2\n/);
    const unknown = await flyte("get", "logs", "eager-logs", "--node", "n7");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /execution 'eager-logs' has no node 'n7' \(its nodes: n0, n0-e0, n0-e0-n0, n0-e1, n0-e1-n0\)/);
  });

  test("get logs --follow tails a running execution until it ends; the exit code is its outcome", async () => {
    await ok("run", "--remote", "--launch-plan", "chatty_wf", "--ms", "3000", "--name", "chatty-follow");
    const followed = await flyte("get", "logs", "chatty-follow", "--follow");
    assert.equal(followed.status, 0, followed.stderr);
    assert.match(followed.stdout, /^--- n0 attempt 1\/1 ---\nchatty starts\nchatty ends\n$/);
    const state = JSON.parse(await ok("get", "execution", "chatty-follow", "--json")) as { phase: string };
    assert.equal(state.phase, "SUCCEEDED");
    await ok("run", "--remote", "--launch-plan", "broken_wf", "--n", "5", "--name", "broken-follow");
    const failed = await flyte("get", "logs", "broken-follow", "--follow");
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /execution broken-follow FAILED: .*broken on 5/);
  });
});
