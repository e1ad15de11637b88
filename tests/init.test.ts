// `flyte init` scaffolds a project and refuses to touch a folder that has files; the `flyte` bin
// stops with one line on a Node too old to run it; every package states the same minimum Node.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ISOLATED_ENV, PROCESS_TIMEOUT_MS, ROOT, runNode } from "./helpers.ts";

const work = mkdtempSync(join(tmpdir(), "flyte-init-"));
after(() => rmSync(work, { recursive: true, force: true }));

function init(...args: string[]): ReturnType<typeof runNode> {
  return runNode(["packages/cli/bin/flyte.js", "init", ...args]);
}

describe("flyte init", () => {
  test("creates a module project with tasks and workflow in two files, a test and a README", () => {
    const dir = join(work, "My Flows");
    const res = init(dir);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /npm install/);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    assert.equal(manifest["name"], "my-flows");
    assert.equal(manifest["type"], "module");
    assert.deepEqual(Object.keys(manifest["dependencies"] ?? {}).sort(), ["@flyte/cli", "flytekit", "zod"]);
    assert.equal(manifest["dependencies"]?.["flytekit"], "0.1.0");
    assert.match(readFileSync(join(dir, "src/workflow.ts"), "utf8"), /from "\.\/tasks\.ts"/);
    assert.match(readFileSync(join(dir, "test/workflow.test.ts"), "utf8"), /node:test/);
    assert.match(readFileSync(join(dir, "tsconfig.json"), "utf8"), /"module": "nodenext"/);
    assert.match(readFileSync(join(dir, ".gitignore"), "utf8"), /node_modules/);
    assert.match(readFileSync(join(dir, "README.md"), "utf8"), /npm install\nnpx flyte run src\/workflow\.ts hello_wf/);
  });

  test("the scaffold's workflow runs (here against the repository's packages)", () => {
    const dir = join(work, "runs");
    assert.equal(init(dir).status, 0);
    // The repository's node_modules stand in for `npm install` (tests/packaging.test.ts installs for real).
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    const res = runNode(["packages/cli/bin/flyte.js", "run", join(dir, "src/workflow.ts"), "hello_wf", "--who", "Ada", "--json"]);
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { greeting: "Hello, Ada!", letters: 8 });
  });

  test("`node --run flyte -- ...` runs the CLI through the scaffold's script, arguments intact", () => {
    const dir = join(work, "node-run");
    assert.equal(init(dir).status, 0);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    // A value with a space and a quote: node --run passes the arguments to a shell, quoted.
    const res = spawnSync(process.execPath, ["--run", "flyte", "--", "run", "src/workflow.ts", "hello_wf", "--who", "Ada 'Augusta'", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, ...ISOLATED_ENV },
      timeout: PROCESS_TIMEOUT_MS,
    });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { greeting: "Hello, Ada 'Augusta'!", letters: 15 });
  });

  test("refuses a folder that is not empty, naming it and what is in it", () => {
    const dir = join(work, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    const res = init(dir);
    assert.equal(res.status, 1);
    assert.equal(res.stderr, `flyte: cannot create a project in ${dir}: the folder is not empty (notes.txt); pick a new or empty folder\n`);
    assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine\n");
  });

  test("--packages points the dependencies at the tarballs, and names the missing ones", () => {
    const tarballs = join(work, "tarballs");
    mkdirSync(tarballs);
    const missing = init(join(work, "from-tarballs"), "--packages", tarballs);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /lacks flytekit-0\.1\.0\.tgz, flyte-cli-0\.1\.0\.tgz, .*npm run pack -- --out DIR/);
    for (const name of ["flytekit", "flyte-cli", "flyte-idl", "flyte-engine", "flyte-server", "flyte-worker", "flyte-console"]) writeFileSync(join(tarballs, `${name}-0.1.0.tgz`), "");
    const res = init(join(work, "from-tarballs"), "--packages", tarballs);
    assert.equal(res.status, 0, res.stderr);
    const deps = (JSON.parse(readFileSync(join(work, "from-tarballs/package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies;
    assert.equal(deps["flytekit"], "file:../tarballs/flytekit-0.1.0.tgz");
    assert.equal(deps["@flyte/worker"], "file:../tarballs/flyte-worker-0.1.0.tgz");
  });

  test("without DIR it is a usage error", () => {
    const res = init();
    assert.equal(res.status, 2);
    assert.match(res.stderr, /^flyte: flyte init needs exactly one DIR/);
  });
});

describe("Node version", () => {
  test("on a Node older than the minimum the bin prints one line with the fix and exits 1", () => {
    // Pretend to be 22.17.1, the last Node 22 that could not strip types without a flag.
    const pretend = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"22.17.1"})';
    const res = runNode(["--import", pretend, "packages/cli/bin/flyte.js", "run", "examples/basics/workflow.ts", "my_wf"]);
    assert.equal(res.status, 1);
    assert.equal(res.stdout, "");
    assert.equal(res.stderr.split("\n").filter(Boolean).length, 1, res.stderr);
    assert.match(res.stderr, /^flyte: Node\.js 22\.18\.0 or newer is needed, found 22\.17\.1; .*npm install --prefix ~\/\.cache\/node24 node@24/);
  });

  test("the bin, the root and every package state the same minimum", () => {
    const bin = readFileSync(join(ROOT, "packages/cli/bin/flyte.js"), "utf8");
    const minimum = /const MINIMUM_NODE = "([\d.]+)"/.exec(bin)?.[1];
    assert.ok(minimum !== undefined);
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[]; engines: { node: string } };
    for (const dir of [".", ...root.workspaces]) {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { engines?: { node?: string } };
      assert.equal(manifest.engines?.node, `>=${minimum}`, `${dir}/package.json engines.node`);
    }
    assert.match(readFileSync(join(ROOT, ".ci/run"), "utf8"), new RegExp(`MINIMUM_NODE=${minimum.replaceAll(".", "\\.")}`));
  });
});
