// Every example runs, both as a script and through `flyte run`, with the outputs its comments promise.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { flyte, runNode } from "./helpers.ts";

function runJson(...args: string[]): unknown {
  const res = flyte("run", ...args, "--json");
  assert.equal(res.status, 0, `flyte run failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as unknown;
}

describe("examples", () => {
  test("the seed workflow prints the seed's line when run as a script", () => {
    const res = runNode(["examples/basics/workflow.ts"]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), "Running my_wf(a=50, b='hello') [ 52, 'helloworld' ]");
  });

  test("flyte run of the seed workflow prints the outputs keyed by name", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "my_wf", "--a", "50", "--b", "hello", "--json");
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, '{"o0":52,"o1":"helloworld"}\n');
  });

  test("a task of the seed runs alone through flyte run", () => {
    assert.deepEqual(runJson("examples/basics/workflow.ts", "t1", "--a", "1"), { t1_int_output: 3, c: "world" });
  });

  test("named outputs come back keyed by their names", () => {
    assert.deepEqual(runJson("examples/basics/named-outputs.ts", "stats_wf", "--xs", "[3,1,4,1,5]"), { summary: "mean 2.80, max 5", count: 5 });
  });

  test("lists and maps of promises fan in", () => {
    assert.deepEqual(runJson("examples/basics/lists.ts", "fan_in", "--n", "4"), { o0: 16 + 4 + 9 + 100, o1: "total=129 n=4 one=1" });
  });

  test("structs, dates, durations, records, optionals and unions round-trip through a task", () => {
    const order = '{"id":"A-1","items":[{"sku":"pen","qty":2}],"priority":"high"}';
    assert.deepEqual(runJson("examples/basics/types.ts", "describe_order", "--order", order, "--placed", "2024-05-01T10:00:00Z"), {
      units: 2,
      due: "2024-05-01T11:00:00.000Z",
      by_sku: { pen: 2 },
      rush: true,
      note: null,
      code: 1,
    });
  });

  test("a value that breaks its schema is rejected, naming the input and the path inside it", () => {
    const order = '{"id":"A-1","items":[{"sku":"pen","qty":0}],"priority":"high"}';
    const res = flyte("run", "examples/basics/types.ts", "order_wf", "--order", order, "--placed", "2024-05-01T10:00:00Z");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /order/);
    assert.match(res.stderr, /items\[0\]\.qty/);
  });

  test("a recoverable error is retried until the task succeeds", () => {
    assert.deepEqual(runJson("examples/basics/retries.ts", "flaky_wf", "--succeed_on", "3"), { o0: 3 });
  });

  for (const file of ["named-outputs", "lists", "types", "retries"]) {
    test(`examples/basics/${file}.ts runs as a script`, () => {
      const res = runNode([`examples/basics/${file}.ts`]);
      assert.equal(res.status, 0, res.stderr);
      assert.notEqual(res.stdout.trim(), "");
    });
  }
});

describe("isolation example", () => {
  const FILE = "examples/isolation/timeouts-secrets.ts";

  test("a short spin and a nap finish", () => {
    assert.deepEqual(runJson(FILE, "guarded_wf", "--spin_ms", "10"), { spun: 10, slept: "slept 10 ms" });
  });

  test("a synchronous spin past its timeout fails at the timeout, naming the task", () => {
    const res = flyte("run", FILE, "guarded_wf", "--spin_ms", "600000");
    assert.equal(res.status, 1, res.stdout);
    assert.match(res.stderr, /task 'spin'.*timed out/);
  });

  test("a declared secret comes from the environment, and a missing one says where to put it", () => {
    const found = runNode(["packages/cli/bin/flyte.ts", "run", FILE, "token_length", "--json"], { _FSEC_API_TOKEN: "s3cret" });
    assert.equal(found.status, 0, found.stderr);
    assert.deepEqual(JSON.parse(found.stdout), { o0: 6 });
    const missing = runNode(["packages/cli/bin/flyte.ts", "run", FILE, "token_length"], { FLYTE_SECRETS_DEFAULT_DIR: "/nonexistent-flyte-secrets" });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /secret 'api\/token' was not found: set the environment variable _FSEC_API_TOKEN/);
  });
});
