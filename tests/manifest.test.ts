// The installable package.json derived from a workspace one (scripts/manifest.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { installableManifest } from "../scripts/manifest.ts";

describe("installable manifest", () => {
  test("maps source exports to types + default in dist/, patterns as they are, and keeps dependencies", () => {
    const out = installableManifest(
      {
        name: "@flyte/x",
        version: "0.1.0",
        exports: { ".": "./src/index.ts", "./store": { node: "./src/store/index.ts" }, "./gen/*": "./src/gen/*" },
        bin: { x: "./bin/x.js" },
        scripts: { test: "node --test" },
        dependencies: { "@flyte/idl": "0.1.0" },
      },
      { node: ">=22.18.0" },
    );
    assert.deepEqual(out["exports"], {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./store": { node: { types: "./dist/store/index.d.ts", default: "./dist/store/index.js" } },
      "./gen/*": "./dist/gen/*",
    });
    assert.deepEqual(out["files"], ["dist", "bin"]);
    assert.deepEqual(out["engines"], { node: ">=22.18.0" });
    assert.deepEqual(out["dependencies"], { "@flyte/idl": "0.1.0" });
    assert.equal("scripts" in out, false);
  });

  test("an export outside ./src/ is an error naming the package and the target", () => {
    assert.throws(() => installableManifest({ name: "flytekit", version: "0.1.0", exports: { ".": "./lib/index.js" } }, {}), /flytekit: export target '\.\/lib\/index\.js' is not under \.\/src\//);
  });
});
