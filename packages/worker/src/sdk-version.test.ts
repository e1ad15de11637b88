// Which flytekit a worker needs for a bundle: the rule, and finding the worker's own package.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { flytekitPackageOf, sdkMismatch, workerFlytekit } from "./sdk-version.ts";

describe("the flytekit a bundle needs", () => {
  test("0.x versions must share the minor; later ones the major, with the worker's minor at least the bundle's", () => {
    assert.equal(sdkMismatch("0.1.0", "0.1.7"), undefined);
    assert.equal(sdkMismatch("0.1.3", "0.1.0"), undefined);
    assert.match(sdkMismatch("0.2.0", "0.1.0") ?? "", /another 0\.x minor version/);
    assert.match(sdkMismatch("0.1.0", "0.2.0") ?? "", /another 0\.x minor version/);
    assert.equal(sdkMismatch("1.2.0", "1.4.1"), undefined);
    assert.match(sdkMismatch("1.4.0", "1.2.0") ?? "", /older minor version/);
    assert.match(sdkMismatch("2.0.0", "1.9.0") ?? "", /another major version/);
    assert.equal(sdkMismatch("1.0.0-rc.1", "1.0.0"), undefined);
    assert.match(sdkMismatch("dev", "0.1.0") ?? "", /unreadable versions \(dev, 0\.1\.0\)/);
  });

  test("finds the package of a file by the nearest package.json named flytekit, and says when there is none", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyte-sdk-version-"));
    try {
      mkdirSync(join(dir, "kit", "dist", "chunks"), { recursive: true });
      writeFileSync(join(dir, "kit", "package.json"), JSON.stringify({ name: "flytekit", version: "3.4.5", dependencies: { zod: "^4", "@flyte/idl": "3.4.5" } }));
      // A nested package.json of another name (as a dist folder may have) is passed over.
      writeFileSync(join(dir, "kit", "dist", "package.json"), JSON.stringify({ type: "module" }));
      assert.deepEqual(flytekitPackageOf(join(dir, "kit", "dist", "chunks", "a.js")), { dir: join(dir, "kit"), version: "3.4.5", dependencies: ["@flyte/idl", "zod"] });
      assert.throws(() => flytekitPackageOf(join(dir, "elsewhere.js")), /no package\.json of flytekit above .*elsewhere\.js: is flytekit installed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the worker's own flytekit is the workspace's", () => {
    const own = workerFlytekit();
    assert.match(own.version, /^\d+\.\d+\.\d+/);
    assert.ok(own.dependencies.includes("zod"));
  });
});
