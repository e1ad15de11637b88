// Gates, failure handlers, caching and currentContext() end to end: the examples run through the
// real CLI, with a temporary cache folder (never the user's).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runNode, type ProcessResult } from "./helpers.ts";

const cacheHome = mkdtempSync(join(tmpdir(), "flyte-cache-test-"));
after(() => rmSync(cacheHome, { recursive: true, force: true }));

function flyteRun(...args: string[]): ProcessResult {
  return runNode(["packages/cli/bin/flyte.ts", "run", ...args], { XDG_CACHE_HOME: cacheHome, FLYTE_LOCAL_CACHE: "" });
}

describe("gates through flyte run", () => {
  test("--signal gives the input gate its value and approves the approval gate", () => {
    const res = flyteRun("examples/composition/gates.ts", "report_wf", "--n", "3", "--signal", "title=Weekly", "--signal", "publish=yes", "--json");
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, '{"o0":"Weekly: 6"}\n');
  });

  test("a rejected approval fails the run with a message saying the gate was rejected", () => {
    const res = flyteRun("examples/composition/gates.ts", "report_wf", "--n", "3", "--signal", "title=Weekly", "--signal", "publish=no");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /Approval gate "publish" \(node n3\) was rejected/);
  });

  test("a gate without a value fails at once (no terminal) and says how to give one", () => {
    const res = flyteRun("examples/composition/gates.ts", "report_wf", "--n", "3", "--signal", "publish=yes");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no value for signal 'title'.*--signal title=VALUE/);
  });

  test("a signal for a gate that does not exist is a usage error naming the gates", () => {
    const res = flyteRun("examples/composition/gates.ts", "report_wf", "--n", "3", "--signal", "nope=1");
    assert.equal(res.status, 2);
    assert.match(res.stderr, /no gate named 'nope'; its gates are: title, publish/);
  });
});

describe("failure handling through flyte run", () => {
  test("the failure handler runs with the inputs and the error, and the run still fails", () => {
    const res = flyteRun("examples/composition/failure-handling.ts", "cluster_wf", "--size", "0");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /\[fn0\] INFO cleaning up cluster of size 0 after n2 failed: .*cannot train on 0 machines/);
    assert.match(res.stderr, /flyte: workflow 'cluster_wf' at node n2 \(task 'train'\) failed/);
    assert.match(res.stderr, /\[n1\] INFO training on 0 machines/, "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE let the independent node run");
  });

  test("a succeeding run never calls the handler", () => {
    const res = flyteRun("examples/composition/failure-handling.ts", "cluster_wf", "--size", "2", "--json");
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, '{"o0":0.9}\n');
    assert.doesNotMatch(res.stderr, /fn0/);
  });
});

describe("the local cache through flyte run", () => {
  test("a second run hits the cache on disk; --no-cache and --overwrite-cache run the task again", () => {
    const first = flyteRun("examples/composition/caching.ts", "squares_wf", "--n", "7", "--json");
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, '{"o0":50}\n');
    assert.match(first.stderr, /\[n0\] INFO computing 7²/);
    assert.ok(readdirSync(join(cacheHome, "flyte", "local-cache")).length >= 2, "one file per cached result");

    const second = flyteRun("examples/composition/caching.ts", "squares_wf", "--n", "7", "--json");
    assert.equal(second.stdout, '{"o0":50}\n');
    assert.doesNotMatch(second.stderr, /computing/, "the hit did not run the task");

    assert.match(flyteRun("examples/composition/caching.ts", "squares_wf", "--n", "7", "--no-cache").stderr, /computing 7²/);
    assert.match(flyteRun("examples/composition/caching.ts", "squares_wf", "--n", "7", "--overwrite-cache").stderr, /computing 7²/);
  });

  test("FLYTE_LOCAL_CACHE=off disables the cache", () => {
    const env = { XDG_CACHE_HOME: cacheHome, FLYTE_LOCAL_CACHE: "off" };
    const args = ["packages/cli/bin/flyte.ts", "run", "examples/composition/caching.ts", "squares_wf", "--n", "8"];
    assert.match(runNode(args, env).stderr, /computing 8²/);
    assert.match(runNode(args, env).stderr, /computing 8²/);
  });
});
