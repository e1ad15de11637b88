// Local attempts in isolates (real worker threads): a synchronous loop fails at its timeout,
// hostile bodies fail only their attempt, limits.mem caps the heap, warm and fresh module state,
// unexported tasks, and the in-process fallback. Plus secrets and memory quantities.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FlyteError } from "../errors.ts";
import { secretStoreFor } from "../secrets.ts";
import { counterFresh, counterWarm, exits, hidden_wf, hog, madeLater, overflows, spin, throwsLater } from "../testdata/isolated-tasks.ts";
import { memoryMbOf } from "./memory-limit.ts";

async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof FlyteError, String(err));
    return err.message;
  }
  assert.fail("the run succeeded");
}

describe("local attempts in isolates", () => {
  test("a synchronous infinite loop fails at its timeout with the timeout error", async () => {
    assert.match(await failure(spin({})), /timed out: .*USER:Timeout.*timeout of 1000 ms/);
  });

  test("process.exit(), a throw in a timer and a stack overflow fail only their attempt", async () => {
    assert.match(await failure(exits({})), /USER:ProcessExit.*called process\.exit\(7\)/);
    assert.match(await failure(throwsLater({})), /USER:Uncaught.*TypeError: thrown in a timer/);
    assert.match(await failure(overflows({})), /USER:RangeError.*call stack/);
    assert.equal(await hidden_wf({ a: 2 }), 4);
  });

  test("limits.mem caps the heap: going over fails the attempt as OOMKilled", async () => {
    assert.match(await failure(hog({})), /USER:OOMKilled.*ran out of memory: it used more than its memory limit \(limits\.mem, 64 MiB/);
  });

  test("warm isolation keeps module state between attempts; fresh starts anew each time", async () => {
    const first = await counterWarm({});
    const second = await counterWarm({});
    assert.ok(second > first, `${first} then ${second}`);
    assert.equal(await counterFresh({}), 1);
    assert.equal(await counterFresh({}), 1);
  });

  test("an unexported task runs isolated; a task made at run time runs in this thread", async () => {
    assert.equal(await hidden_wf({ a: 21 }), 42);
    assert.equal(await madeLater()({}), "ran in-process");
  });
});

describe("secrets", () => {
  const declared = [{ group: "db", key: "password" }, { group: "token" }];

  test("are read from _FSEC_<GROUP>_<KEY>, then from <dir>/<group>/<key>", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyte-secrets-"));
    try {
      mkdirSync(join(dir, "db"));
      writeFileSync(join(dir, "db", "password"), "from-a-file\n");
      assert.equal(secretStoreFor("t", declared, { _FSEC_DB_PASSWORD: "from-env" }).get("db", "password"), "from-env");
      assert.equal(secretStoreFor("t", declared, { FLYTE_SECRETS_DEFAULT_DIR: dir }).get("db", "password"), "from-a-file");
      assert.equal(secretStoreFor("t", declared, { _FSEC_TOKEN: "tok" }).get("token"), "tok");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an undeclared or missing secret is an E_SECRET error saying what to do", () => {
    const store = secretStoreFor("t", declared, { FLYTE_SECRETS_DEFAULT_DIR: "/nonexistent" });
    assert.throws(() => store.get("db", "user"), (e: unknown) => e instanceof FlyteError && e.code === "E_SECRET" && /did not declare.*add \{ group: "db", key: "user" \}/.test(e.message));
    assert.throws(() => store.get("db", "password"), (e: unknown) => e instanceof FlyteError && /_FSEC_DB_PASSWORD.*\/nonexistent\/db\/password/.test(e.message));
  });
});

test("memory quantities are read as Kubernetes writes them", () => {
  assert.equal(memoryMbOf("512Mi", "t"), 512);
  assert.equal(memoryMbOf("2Gi", "t"), 2048);
  assert.equal(memoryMbOf("1G", "t"), 953);
  assert.equal(memoryMbOf(String(256 * 2 ** 20), "t"), 256);
  assert.throws(() => memoryMbOf("lots", "task 'x'"), /task 'x': limits.mem 'lots' is not a memory quantity/);
  assert.throws(() => memoryMbOf("1Mi", "task 'x'"), /below the smallest limit/);
});
