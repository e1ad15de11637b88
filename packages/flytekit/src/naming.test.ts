// Default names: from the module path (relative to the nearest package.json) and the export,
// the defining module first; entities without a stable name are refused where they are defined.
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { FlyteError } from "./errors.ts";
import { loadEntities, loadProject } from "./loader.ts";
import { namesOf } from "./naming.ts";
import { LOCAL_SETTINGS } from "./serialize/settings.ts";
import { specsOf } from "./serialize/specs.ts";

const TESTDATA = resolve(import.meta.dirname, "testdata");

describe("default names", () => {
  test("an entity exported by another module too is named after the module that defines it", async () => {
    const project = await loadProject(["reexport.ts"], TESTDATA);
    assert.deepEqual(
      project.entities.map((e) => [e.exportName, e.definition.name]),
      [["twice", "src.testdata.unnamed.double"]],
    );
    // The defining module is loaded too (the bundle needs it), and the names table says where each entity is.
    assert.deepEqual(project.modules.map((m) => m.module).sort(), ["src.testdata.reexport", "src.testdata.unnamed"]);
    assert.deepEqual(namesOf(project.modules), { "src.testdata.unnamed": { double: "src.testdata.unnamed.double", wf: "src.testdata.unnamed.wf" } });
  });

  test("a task neither exported nor named is refused when serialized, naming the place it is defined", async () => {
    const entities = await loadEntities(["hidden.ts"], TESTDATA);
    assert.throws(
      () => specsOf(entities.map((e) => e.definition), LOCAL_SETTINGS),
      (err: unknown) =>
        err instanceof FlyteError &&
        err.code === "E_UNNAMED_ENTITY" &&
        err.message.includes("the task defined at src/testdata/hidden.ts:5:16 has no stable name") &&
        err.message.includes('task({ name: "...", ... })'),
    );
  });
});
