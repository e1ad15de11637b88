import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

// A fresh process per command, as the bin runs it: compile cache on, the table loaded, then the
// project's import of an installed package. Which file the import reaches tells whether the
// table answered (the package's manifest is edited in place between runs, which Node's resolver
// would see and the table does not) or Node did.
test("an installed package's resolution is answered from the table until its folder changes", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-resolutions-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = join(dir, "project", "node_modules", "pkg");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "a.js"), "export default 'a';\n");
  writeFileSync(join(pkg, "b.js"), "export default 'b';\n");
  const manifest = (main: string): void => writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "pkg", type: "module", exports: main }));
  manifest("./a.js");
  const script = join(dir, "project", "main.mjs");
  writeFileSync(
    script,
    `import { enableCompileCache } from "node:module";
enableCompileCache();
const { cacheResolutions } = await import(${JSON.stringify(new URL("./resolution-cache.ts", import.meta.url).href)});
cacheResolutions("file:///test-cli/bin/flyte.js");
console.log((await import("pkg")).default);
`,
  );
  const run = (): string => {
    const res = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_COMPILE_CACHE: join(dir, "cache") } });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout.trim();
  };

  assert.equal(run(), "a", "first run: Node resolves, the table records it");
  const tables = readdirSync(join(dir, "cache"), { recursive: true }).map(String).filter((f) => /flyte-resolutions-\w+\.json$/.test(f));
  assert.equal(tables.length, 1, "one table beside the compile cache");
  manifest("./b.js");
  assert.equal(run(), "a", "the package folder is unchanged: the table answers");
  writeFileSync(join(pkg, "c.js"), "export default 'c';\n");
  assert.equal(run(), "b", "a file added to the package folder (a reinstall) discards the table");
  assert.equal(run(), "b", "and the next table holds the new resolution");
});
