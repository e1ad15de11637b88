// Task isolation end to end, with real processes: a synchronous infinite loop with a timeout fails
// at the timeout locally (`flyte run`, and a script calling its workflow) and remotely, where the
// same single worker then runs the next execution; a running attempt's log is readable before it
// ends; a secret reaches the task and appears nowhere in the server's data (SQLite file, blobs).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, runNode } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const FILE = "tests/testdata/isolation.ts";
const SECRET = "s3cr3t-value-for-isolation-test";

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("isolation, locally", () => {
  test("flyte run fails a synchronous infinite loop at its timeout, with the timeout error, and exits", async () => {
    const started = Date.now();
    const res = await flyteAsync(["run", FILE, "spin_wf", "--n", "1"], 60_000);
    assert.equal(res.status, 1, res.stderr);
    assert.match(res.stderr, /USER:Timeout/);
    assert.match(res.stderr, /timeout of 2000 ms/);
    assert.ok(Date.now() - started < 50_000, "the process ended long before the test's own limit");
  });

  test("a script calling its workflow fails at the timeout (an unexported task, an unguarded top-level call) and exits", () => {
    const res = runNode(["tests/testdata/isolation-script.ts"]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^FAILED: .*timed out.*USER:Timeout/m);
    assert.equal(res.stdout.match(/FAILED/g)?.length, 1, "the isolate's import did not run the script's call again");
  });

  test("a secret is read from the environment where the task runs", () => {
    const res = runNode(["packages/cli/bin/flyte.ts", "run", FILE, "secret_wf", "--json"], { _FSEC_DB_PASSWORD: SECRET });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim().split("\n").at(-1), JSON.stringify({ o0: SECRET.length }));
  });
});

describe("isolation, on a server", () => {
  let dataDir: string;
  let server: ServerProcess;
  const at = (): string[] => ["--endpoint", server.url];
  const ok = async (...args: string[]): Promise<string> => {
    const res = await flyteAsync([...args, ...at()]);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-isolation-"));
    server = await startServerProcess(dataDir, ["--workers", "1"], { _FSEC_DB_PASSWORD: SECRET, FLYTE_WORKER_LEASE_MS: "1500" });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("an infinite loop with a timeout fails at the timeout, and the same worker runs the next execution", async () => {
    const res = await flyteAsync(["run", "--remote", FILE, "spin_wf", "--n", "1", "--wait", ...at()], 90_000);
    assert.equal(res.status, 1, res.stderr);
    assert.match(res.stderr, /TIMED_OUT|timed out/);
    assert.match(res.stderr, /USER:Timeout/);
    assert.equal(await ok("run", "--remote", FILE, "plus_wf", "--n", "41", "--wait", "--json"), '{"o0":42}\n');
  });

  test("a running attempt's log is readable before the attempt ends", async () => {
    // The task runs until `release` exists, so "before the attempt ends" does not depend on how
    // long this machine takes to start the attempt or to run the CLI calls below.
    const release = join(dataDir, "release-talker");
    const { name } = JSON.parse(await ok("run", "--remote", FILE, "talk_wf", "--release", release, "--ms", "600000", "--json")) as { name: string };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const logs = await flyteAsync(["get", "logs", name, ...at()]);
      if (logs.stdout.includes("hello from a running attempt")) break;
      assert.ok(Date.now() < deadline, `the log never showed the first line: ${logs.stdout}${logs.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const state = JSON.parse(await ok("get", "execution", name, "--json")) as { phase: string };
    assert.equal(state.phase, "RUNNING", "the log was read while the attempt ran");
    writeFileSync(release, "");
    // Released, the attempt ends: it saw the file (output 1), not its own time limit (0).
    for (;;) {
      const end = JSON.parse(await ok("get", "execution", name, "--json")) as { phase: string; outputs?: unknown };
      if (!["QUEUED", "RUNNING", "SUCCEEDING"].includes(end.phase)) {
        assert.deepEqual(end, { phase: "SUCCEEDED", outputs: { o0: 1 } });
        break;
      }
      assert.ok(Date.now() < deadline + 120_000, `execution ${name} stayed ${end.phase} after its release`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  test("a secret reaches the task from the worker's environment and is stored nowhere", async () => {
    const out = await ok("run", "--remote", FILE, "secret_wf", "--wait", "--json");
    assert.equal(out, `{"o0":${SECRET.length}}\n`);
    const { name } = JSON.parse(await ok("run", "--remote", FILE, "secret_wf", "--json")) as { name: string };
    for (let i = 0; ; i++) {
      const state = JSON.parse(await ok("get", "execution", name, "--json")) as { phase: string };
      if (state.phase === "SUCCEEDED") break;
      assert.ok(i < 150, `execution ${name} stayed ${state.phase}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const logs = await ok("get", "logs", name);
    assert.match(logs, /connecting with \[redacted\]/);
    const files = filesUnder(dataDir);
    assert.ok(files.some((f) => /\.(db|sqlite)/.test(f)), `the data dir holds the database: ${files.join(", ")}`);
    // Attempt logs live in the database (the queue row of each attempt), which the loop below reads too.
    for (const file of files) assert.equal(readFileSync(file).includes(SECRET), false, `${file} contains the secret`);
  });
});
