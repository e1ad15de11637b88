// Isolate threads share their module resolutions through the main thread: real worker threads,
// real files. The table's entry for an import is changed between two starts; the second thread
// loading the other file shows that it answered the import from the table, not from Node.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { Isolate } from "./isolate.ts";
import { learnResolutions, sharedResolutions } from "./resolution-cache.ts";

test("a thread resolves what an earlier thread resolved from the shared table", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-resolutions-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kit = new URL("./thread-kit.ts", import.meta.url).href;
  writeFileSync(join(dir, "entry.mjs"), `import { serveIsolate } from ${JSON.stringify(kit)};\nimport { which } from "./dep.mjs";\nserveIsolate(async () => which);\n`);
  writeFileSync(join(dir, "dep.mjs"), `export const which = "dep";\n`);
  writeFileSync(join(dir, "other.mjs"), `export const which = "other";\n`);
  const entry = pathToFileURL(join(dir, "entry.mjs"));
  const start = async (): Promise<unknown> => {
    const isolate = new Isolate({ entry });
    try {
      const end = await isolate.run(null);
      assert.equal(end.kind, "done");
      return end.kind === "done" ? end.value : undefined;
    } finally {
      await isolate.terminate();
    }
  };

  assert.equal(await start(), "dep");
  // The first thread reports what it resolved once its entry has loaded (after "ready").
  const key = async (): Promise<string> => {
    for (let i = 0; i < 200; i++) {
      const found = [...sharedResolutions().keys()].find((k) => k.startsWith(`${entry.href}\0./dep.mjs\0`));
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail("the thread's resolutions never reached the main thread");
  };
  learnResolutions(new Map([[await key(), [pathToFileURL(join(dir, "other.mjs")).href, null]]]));
  assert.equal(await start(), "other");
});
