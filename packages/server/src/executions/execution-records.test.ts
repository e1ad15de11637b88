// The execution_specs table's views: decoded once and shared, and never older than the row.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ExecutionSpecSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { openDatabase, type Database } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { migrate } from "../db/migrations.ts";
import { stateMigrations } from "../store/state-schema.ts";
import { ExecutionSpecs, KEPT_VIEWS } from "./execution-records.ts";

describe("ExecutionSpecs.view", () => {
  let dir: string;
  let db: Database;
  let specs: ExecutionSpecs;

  const insert = (name: string): Promise<void> => {
    const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { id: { name: "wf", version: "v1" } } } });
    const inputs = create(LiteralMapSchema);
    const record = {
      executionId: `p:d:${name}`,
      project: "p",
      domain: "d",
      name,
      spec: create(ExecutionSpecSchema, { launchPlan: { name: "lp", version: "v1" }, maxParallelism: 3 }),
      closure,
      inputs,
      userInputs: inputs,
      createdAt: 1,
    };
    const encoded = { closure: toBinary(CompiledWorkflowClosureSchema, closure), inputs: toBinary(LiteralMapSchema, inputs) };
    return groupCommitterFor(db).submit(() => specs.insertWithin(record, encoded));
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-execution-records-"));
    db = openDatabase(join(dir, "flyte.db"), { fsync: false });
    migrate(db, "state", stateMigrations);
    specs = new ExecutionSpecs(db);
  });

  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an execution's view is decoded once, frozen and shared by every later read", async () => {
    await insert("e1");
    const first = specs.view("p:d:e1");
    assert.equal(first?.spec.maxParallelism, 3);
    assert.equal(first?.workflowId?.name, "wf");
    assert.equal(specs.view("p:d:e1"), first, "read and decoded again");
    assert.ok(Object.isFrozen(first?.spec.launchPlan), "a shared view must not be writable");
  });

  test("a terminate's abort cause shows in the next view; an unknown id is not kept", async () => {
    assert.equal(specs.view("p:d:e2"), undefined);
    await insert("e2");
    assert.equal(specs.view("p:d:e2")?.abortCause, undefined, "an id unknown a moment ago is found once written");
    const cause = specs.setAbortCause("p:d:e2", "stopped by a test");
    // Read while the update waits for its commit: the old row, not kept past the commit.
    assert.equal(specs.view("p:d:e2")?.abortCause, undefined);
    await cause;
    assert.equal(specs.view("p:d:e2")?.abortCause, "stopped by a test");
  });

  test("at most KEPT_VIEWS views are kept, the oldest read forgotten first", async () => {
    await insert("old");
    const old = specs.view("p:d:old");
    for (let i = 0; i < KEPT_VIEWS; i++) await insert(`n${i}`).then(() => specs.view(`p:d:n${i}`));
    const again = specs.view("p:d:old");
    assert.notEqual(again, old, "the oldest view was kept past the bound");
    assert.deepEqual(again?.spec, old?.spec);
  });
});
