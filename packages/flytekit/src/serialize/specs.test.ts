import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FlyteError } from "../errors.ts";
import { loadEntities } from "../loader.ts";
import { REGISTRATION_PLACEHOLDERS } from "./settings.ts";
import { specsOf } from "./specs.ts";

describe("specs of loaded entities", () => {
  test("two different unexported tasks with one name, reached through workflows, are an error", async () => {
    const entities = await loadEntities(["packages/flytekit/src/testdata/same-name-a.ts", "packages/flytekit/src/testdata/same-name-b.ts"]);
    assert.throws(
      () => specsOf(entities.map((e) => e.definition), REGISTRATION_PLACEHOLDERS),
      (err: unknown) => err instanceof FlyteError && err.code === "E_DUPLICATE_NAME" && /'shared'/.test(err.message),
    );
  });

  test("tasks come first, then each workflow followed by its launch plan", async () => {
    const entities = await loadEntities(["packages/flytekit/src/testdata/same-name-a.ts"]);
    const specs = specsOf(entities.map((e) => e.definition), REGISTRATION_PLACEHOLDERS);
    assert.deepEqual(specs.map((s) => [s.kind, s.name]), [["task", "shared"], ["workflow", "wf_a"], ["launchPlan", "wf_a"]]);
  });
});
