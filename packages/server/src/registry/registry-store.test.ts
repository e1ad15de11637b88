import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openDatabase } from "../db/database.ts";
import { RegistryStore, type EntityRow } from "./registry-store.ts";
import { QueryError, parseFilters } from "./query.ts";

function row(name: string, version: string, createdAt: number, digest = "d1"): Omit<EntityRow, "state" | "updatedAt"> {
  return { project: "p", domain: "development", name, version, digest, spec: new Uint8Array([1]), closure: new Uint8Array([2]), createdAt };
}

const page = { where: [], orderBy: "created_at", ascending: false, limit: 100, offset: 0 };

describe("registry store", () => {
  test("a fresh registry holds project flytesnacks and the three default domains", () => {
    const store = new RegistryStore(openDatabase(":memory:"));
    assert.equal(store.getProject("flytesnacks")?.name, "flytesnacks");
    assert.deepEqual(store.listDomains().map((d) => d.id), ["development", "staging", "production"]);
  });

  test("projects and domains are read once and kept (frozen); a project's update is read back at once", () => {
    const store = new RegistryStore(openDatabase(":memory:"));
    const project = store.getProject("flytesnacks");
    assert.ok(project !== undefined);
    assert.equal(store.getProject("flytesnacks"), project, "the kept row, not a new read");
    assert.ok(Object.isFrozen(project));
    assert.equal(store.listDomains(), store.listDomains());
    assert.ok(Object.isFrozen(store.listDomains()[0]));
    assert.equal(store.getProject("later"), undefined);
    assert.ok(store.insertProject({ id: "later", name: "later", description: "", labels: null, state: 0, createdAt: 1 }));
    assert.equal(store.getProject("later")?.name, "later", "a miss is not kept");
    assert.ok(store.updateProject({ id: "flytesnacks", name: "renamed", description: "d", labels: null, state: 1 }));
    assert.equal(store.getProject("flytesnacks")?.name, "renamed");
    assert.equal(store.getProject("flytesnacks")?.state, 1);
  });

  test("an existing key is reported as identical or different, never overwritten", () => {
    const store = new RegistryStore(openDatabase(":memory:"));
    assert.equal(store.insertEntity("task", row("t", "v1", 1), () => true), "created");
    assert.equal(store.insertEntity("task", row("t", "v1", 2, "d2"), (s) => s.digest === "d2"), "different");
    assert.equal(store.insertEntity("task", row("t", "v1", 3), (s) => s.digest === "d1"), "identical");
    assert.equal(store.getEntity("task", row("t", "v1", 0))?.createdAt, 1);
  });

  test("activating a launch plan version deactivates the one that was active", () => {
    const store = new RegistryStore(openDatabase(":memory:"));
    store.insertEntity("launchPlan", row("lp", "v1", 1), () => true);
    store.insertEntity("launchPlan", row("lp", "v2", 2), () => true);
    assert.equal(store.setLaunchPlanState(row("lp", "v1", 0), 1, 10), true);
    assert.equal(store.getActiveLaunchPlan("p", "development", "lp")?.version, "v1");
    store.setLaunchPlanState(row("lp", "v2", 0), 1, 11);
    assert.equal(store.getActiveLaunchPlan("p", "development", "lp")?.version, "v2");
    assert.equal(store.getEntity("launchPlan", row("lp", "v1", 0))?.state, 0);
    assert.equal(store.setLaunchPlanState(row("lp", "v3", 0), 1, 12), false);
  });

  test("versions list newest first and names list once each", () => {
    const store = new RegistryStore(openDatabase(":memory:"));
    store.insertEntity("workflow", row("a", "v1", 1), () => true);
    store.insertEntity("workflow", row("a", "v2", 3), () => true);
    store.insertEntity("workflow", row("b", "v1", 2), () => true);
    assert.deepEqual(store.listEntities("workflow", page).map((r) => `${r.name}@${r.version}`), ["a@v2", "b@v1", "a@v1"]);
    assert.deepEqual(store.listNamedEntities("workflow", "p", "development", page).map((r) => r.name), ["a", "b"]);
    assert.equal(store.updateNamedEntity("workflow", "p", "development", "zzz", "", 1), false);
  });
});

describe("list filters", () => {
  const fields = { name: { column: "name", kind: "text" }, created_at: { column: "created_at", kind: "timestamp" } } as const;

  test("Flyte's filter functions become bound SQL conditions", () => {
    const conditions = parseFilters("eq(name,wf)+gte(created_at,2024-01-01T00:00:00Z)+value_in(name,a;b)", fields);
    assert.deepEqual(conditions.map((c) => c.sql), ["name = ?", "created_at >= ?", "name IN (?, ?)"]);
    assert.deepEqual(conditions[1]?.params, [Date.parse("2024-01-01T00:00:00Z")]);
  });

  test("unknown fields and functions are errors naming what is supported", () => {
    assert.throws(() => parseFilters("eq(secret,1)", fields), (e: unknown) => e instanceof QueryError && /filterable fields are: name, created_at/.test(e.message));
    assert.throws(() => parseFilters("like(name,x)", fields), /unknown filter function 'like'/);
    assert.throws(() => parseFilters("name=x", fields), /cannot parse filter/);
  });
});
