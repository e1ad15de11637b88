// The `flyte` command line: usage, errors and their exit codes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { flyte } from "./helpers.ts";

describe("flyte CLI", () => {
  test("with no command it prints usage and exits 2", () => {
    const res = flyte();
    assert.equal(res.status, 2);
    assert.match(res.stdout, /usage: flyte <command>/);
  });

  test("an unknown command is a usage error", () => {
    const res = flyte("frobnicate");
    assert.equal(res.status, 2);
    assert.match(res.stderr, /unknown command 'frobnicate'/);
  });

  test("run without an entity name is a one-line usage error pointing at the file's entities", () => {
    const res = flyte("run", "examples/basics/workflow.ts");
    assert.equal(res.status, 2);
    assert.equal(res.stderr, "flyte: flyte run needs the ENTITY of examples/basics/workflow.ts to run; 'flyte run examples/basics/workflow.ts --help' lists them\n");
  });

  test("an unknown entity lists what the file offers", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "nope");
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no task or workflow 'nope'/);
    assert.match(res.stderr, /my_wf \(workflow\)/);
  });

  test("an unknown input names the entity and lists its inputs", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "my_wf", "--a", "1", "--b", "x", "--c", "3");
    assert.equal(res.status, 2);
    assert.match(res.stderr, /has no input or option --c/);
    assert.match(res.stderr, /--a, --b/);
  });

  test("an input that does not parse as its type is a usage error", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "my_wf", "--a", "fifty", "--b", "x");
    assert.equal(res.status, 2);
    assert.match(res.stderr, /--a must be a whole number/);
  });

  test("a missing required input is a usage error naming it, its type and where the inputs are listed", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "my_wf", "--a", "1");
    assert.equal(res.status, 2);
    assert.equal(res.stderr, "flyte: missing input --b (string); run 'flyte run examples/basics/workflow.ts my_wf --help' for its inputs\n");
  });

  test("without --json the outputs are printed as a JS value", () => {
    const res = flyte("run", "examples/basics/workflow.ts", "my_wf", "--a", "1", "--b", "x");
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), "[ 3, 'xworld' ]");
  });
});
