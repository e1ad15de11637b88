import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cacheKeyOf } from "@flyte/engine";
import { toLiteralMap } from "../types/index.ts";
import { z } from "zod";
import { DiskCatalog, localCacheDir, localCacheEnabled } from "./disk-cache.ts";

const dir = mkdtempSync(join(tmpdir(), "disk-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const key = (n: number) =>
  cacheKeyOf(
    { taskId: { project: "p", domain: "d", name: "t", version: "v" } as never, cacheVersion: "1", taskInterface: undefined, ignoredInputs: [] },
    toLiteralMap({ n }, { n: z.int() }, "task 't'", "input"),
  );

describe("the local disk cache", () => {
  test("stores one file per key and reads outputs back; other keys miss", async () => {
    const catalog = new DiskCatalog(dir);
    const outputs = toLiteralMap({ o0: "x" }, { o0: z.string() }, "task 't'", "output");
    assert.equal(await catalog.get(key(1)), undefined);
    await catalog.put(key(1), outputs);
    const read = await new DiskCatalog(dir).get(key(1));
    assert.equal(read?.literals["o0"]?.value.case, "scalar");
    assert.equal(await catalog.get(key(2)), undefined);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".json")).length, 1);
  });

  test("a reservation is held by one owner until released or expired", async () => {
    const catalog = new DiskCatalog(dir);
    assert.equal((await catalog.getOrExtendReservation(key(3), "a", 1000, 0)).acquired, true);
    assert.equal((await catalog.getOrExtendReservation(key(3), "b", 1000, 10)).acquired, false);
    assert.equal((await catalog.getOrExtendReservation(key(3), "a", 1000, 20)).acquired, true, "the holder extends it");
    assert.equal((await catalog.getOrExtendReservation(key(3), "b", 1000, 10_000)).acquired, true, "an expired one is taken over");
    await catalog.releaseReservation(key(3), "b");
    assert.equal((await catalog.getOrExtendReservation(key(3), "c", 1000, 10_001)).acquired, true);
  });

  test("the folder and the switch come from the environment", () => {
    assert.equal(localCacheDir({ XDG_CACHE_HOME: "/x" }), "/x/flyte/local-cache");
    assert.match(localCacheDir({}), /\.cache\/flyte\/local-cache$/);
    assert.equal(localCacheEnabled({ FLYTE_LOCAL_CACHE: "off" }), false);
    assert.equal(localCacheEnabled({}), true);
  });
});
