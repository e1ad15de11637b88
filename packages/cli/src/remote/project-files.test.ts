// Folders on the command line: every module under them, without node_modules, dist, hidden
// folders, tests and declaration files; files as given; sorted and each once.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { expandPaths } from "./project-files.ts";

describe("expandPaths", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-project-files-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of ["src/b.ts", "src/a.mts", "src/lib/c.js", "src/lib/d.mjs", "src/a.test.ts", "src/types.d.ts", "src/notes.md", "src/node_modules/x.ts", "src/dist/y.js", "src/.cache/z.ts"]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), "");
  }

  test("a folder is every module under it, sorted, without tests, declarations, node_modules, dist or hidden folders", () => {
    assert.deepEqual(expandPaths(["src"], dir), ["src/a.mts", "src/b.ts", "src/lib/c.js", "src/lib/d.mjs"]);
  });

  test("files are kept as given (missing ones too, for the loader to report), each once", () => {
    assert.deepEqual(expandPaths(["src/b.ts", "src", "missing.ts"], dir), ["src/b.ts", "src/a.mts", "src/lib/c.js", "src/lib/d.mjs", "missing.ts"]);
  });
});
