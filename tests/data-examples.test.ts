// The data examples run, as scripts and through `flyte run`, with the outputs their comments promise.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { flyteAsync, runNode } from "./helpers.ts";

describe("data examples", () => {
  // Local runs write task data under $XDG_DATA_HOME/flyte/local-data: keep it out of the user's.
  const home = mkdtempSync(join(tmpdir(), "flyte-data-examples-"));
  const env = { XDG_DATA_HOME: join(home, "data"), XDG_CACHE_HOME: join(home, "cache") };
  after(() => rmSync(home, { recursive: true, force: true }));

  test("CSV → Parquet → aggregate: totals per region, and the report as a file URI", async () => {
    const res = await flyteAsync(["run", "examples/data/csv-parquet.ts", "sales_wf", "--csv", "examples/data/sales.csv", "--json"], undefined, env);
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { o0: Record<string, number>; o1: string };
    assert.deepEqual(out.o0, { east: 2525, north: 2425, south: 2475, west: 2575 });
    assert.match(out.o1, new RegExp(`^file://${join(home, "data")}/flyte/local-data/raw/.*/totals\\.csv$`));
  });

  test("a folder of images through a map task", async () => {
    const res = await flyteAsync(["run", "examples/data/images.ts", "images_wf", "--images", "examples/data/images", "--json"], undefined, env);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, '{"o0":["blue.png 16x16","green.png 8x2","red.png 4x3"],"o1":284}\n');
  });

  test("both run as scripts", () => {
    const sales = runNode(["examples/data/csv-parquet.ts"], env);
    assert.equal(sales.status, 0, sales.stderr);
    assert.match(sales.stdout, /east: 2525[\s\S]*region,total\neast,2525\nnorth,2425/);
    const images = runNode(["examples/data/images.ts"], env);
    assert.equal(images.status, 0, images.stderr);
    assert.match(images.stdout, /'red\.png 4x3' \], 284/);
  });
});
