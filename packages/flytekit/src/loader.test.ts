import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { FlyteError } from "./errors.ts";
import { loadEntities } from "./loader.ts";

describe("loading files", () => {
  test("unnamed entities are named <module path>.<export name>", async () => {
    const entities = await loadEntities(["packages/flytekit/src/testdata/unnamed.ts"]);
    assert.deepEqual(
      entities.map((e) => [e.exportName, e.definition.name]),
      [
        ["double", "src.testdata.unnamed.double"],
        ["wf", "src.testdata.unnamed.wf"],
      ],
    );
  });

  test("module paths are relative to the nearest package.json, whatever the current directory", async () => {
    const fromHere = await loadEntities(["unnamed.ts"], resolve(import.meta.dirname, "testdata"));
    assert.deepEqual(
      fromHere.map((e) => e.definition.name),
      ["src.testdata.unnamed.double", "src.testdata.unnamed.wf"],
    );
  });

  test("two entities with one name is an error naming both", async () => {
    await assert.rejects(
      () => loadEntities(["packages/flytekit/src/testdata/duplicate.ts"]),
      (err: unknown) => err instanceof FlyteError && err.code === "E_DUPLICATE_NAME" && /first/.test(err.message) && /second/.test(err.message),
    );
  });

  test("a missing file is a clear error", async () => {
    await assert.rejects(() => loadEntities(["nope/missing.ts"]), (err: unknown) => err instanceof FlyteError && /not found/.test(err.message));
  });
});
