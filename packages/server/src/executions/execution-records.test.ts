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

  /** The spec row with the engine's row beside it, in one operation, as `startExecution` writes them. */
  const insert = (name: string, workflow = "wf"): Promise<void> => {
    const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { id: { name: workflow, version: "v1" } } } });
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
    return groupCommitterFor(db).submit(() => {
      db.sqlite
        .prepare("INSERT INTO executions (execution_id, project, domain, name, phase, closure, created_at, updated_at) VALUES (?, 'p', 'd', ?, 'UNDEFINED', ?, 1, 1)")
        .run(record.executionId, name, encoded.closure);
      specs.insertWithin(record, encoded);
    });
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

  test("the spec row does not hold the closure again: reads take the engine row's; an older row's own copy is preferred", async () => {
    await insert("c1");
    const stored = db.sqlite.prepare("SELECT length(closure) AS n FROM execution_specs WHERE execution_id = ?").get("p:d:c1") as { n: number };
    assert.equal(stored.n, 0, "the closure was written twice");
    assert.equal(specs.view("p:d:c1")?.workflowId?.name, "wf");
    assert.equal(specs.get("p:d:c1")?.closure.primary?.template?.id?.name, "wf");
    // A row written before this change holds its own copy (here a different workflow, to tell them apart).
    await insert("c2");
    const own = toBinary(CompiledWorkflowClosureSchema, create(CompiledWorkflowClosureSchema, { primary: { template: { id: { name: "own", version: "v1" } } } }));
    await groupCommitterFor(db).submit(() => db.sqlite.prepare("UPDATE execution_specs SET closure = ? WHERE execution_id = ?").run(own, "p:d:c2"));
    assert.equal(specs.view("p:d:c2")?.workflowId?.name, "own");
    assert.equal(specs.get("p:d:c2")?.closure.primary?.template?.id?.name, "own");
    assert.deepEqual(specs.unfinished().map((r) => [r.name, r.closure.primary?.template?.id?.name]).filter(([name]) => name === "c1" || name === "c2"), [["c1", "wf"], ["c2", "own"]]);
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
