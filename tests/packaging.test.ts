// The packages install into a user's own project outside this repository and work there from
// their built JavaScript: pack them, scaffold a project with `flyte init --packages`, install it,
// type-check it with plain tsc, run it locally and through its own test, then start a server with
// the installed CLI, register the project and run it remotely.
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT } from "./helpers.ts";

const work = mkdtempSync(join(tmpdir(), "flyte-packaging-"));
const tarballs = join(work, "tarballs");
const project = join(work, "my-flows");
const installedFlyte = join(project, "node_modules/.bin/flyte");

/** npm as `npm test` runs it (npm_execpath), else the one on PATH. */
const npmCli = process.env["npm_execpath"]?.endsWith(".js") === true ? [process.execPath, process.env["npm_execpath"]] : ["npm"];

function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const [command = "npm", ...prefix] = npmCli;
  return spawnSync(command, [...prefix, ...args], { cwd, env, encoding: "utf8", timeout: 240_000 });
}

/**
 * The environment of a user outside the repository: no source condition or loader flags in
 * NODE_OPTIONS, no npm settings inherited from `npm test`, and a HOME and XDG folders of its own
 * (npm keeps its usual cache, so third-party packages need not be downloaded again).
 */
function userEnv(): NodeJS.ProcessEnv {
  const cache = runNpm(["config", "get", "cache"], ROOT, process.env).stdout.trim();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|FLYTE_)/i.test(key)) env[key] = value;
  }
  const home = join(work, "home");
  mkdirSync(home, { recursive: true });
  return {
    ...env,
    HOME: home,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_CONFIG_HOME: join(home, "config"),
    ...(cache === "" ? {} : { npm_config_cache: cache }),
  };
}

function check(res: SpawnSyncReturns<string>, what: string): string {
  assert.equal(res.error, undefined, `${what}: ${String(res.error)}`);
  assert.equal(res.status, 0, `${what} exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** `flyte start` from the installed CLI; resolves once it prints its URL. */
function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [installedFlyte, "start", "--port", "0", "--data-dir", join(work, "server-data"), "--workers", "1"], {
    cwd: project,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`flyte start printed no URL within 60 s:\n${output}`)));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const url = /serving on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ url, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`flyte start exited (${code}) before serving:\n${output}`));
    });
  });
}

describe("packaging: the packed packages in a project outside the repository", { timeout: 600_000 }, () => {
  const env = userEnv();
  const flyte = (...args: string[]): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [installedFlyte, ...args], { cwd: project, env, encoding: "utf8", timeout: 120_000 });

  before(() => {
    check(spawnSync(process.execPath, ["scripts/pack.ts", "--out", tarballs, "--build-dir", join(work, "build")], { cwd: ROOT, encoding: "utf8", env, timeout: 240_000 }), "npm run pack");
    // `flyte init` from the checkout, as the README tells a user with the repository and tarballs.
    check(spawnSync(process.execPath, ["packages/cli/bin/flyte.js", "init", project, "--packages", tarballs], { cwd: ROOT, encoding: "utf8", env }), "flyte init");
    // An entry module re-exporting the project's entities: what the server runs by file below.
    writeFileSync(join(project, "src/index.ts"), 'export * from "./tasks.ts";\nexport * from "./workflow.ts";\n');
    check(runNpm(["install", "--prefer-offline", "--no-audit", "--no-fund"], project, env), "npm install");
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test("the installed packages ship JavaScript and declarations, no TypeScript sources", () => {
    for (const pkg of ["flytekit", "@flyte/cli", "@flyte/idl", "@flyte/engine", "@flyte/server", "@flyte/worker", "@flyte/console"]) {
      const files = filesUnder(join(project, "node_modules", pkg)).filter((f) => !f.includes("/node_modules/", join(project, "node_modules", pkg).length));
      assert.ok(files.some((f) => f.endsWith(".js")), `${pkg} has no JavaScript`);
      assert.deepEqual(files.filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f)), [], `${pkg} ships TypeScript sources`);
    }
    // The packages depend on each other by exact version: one copy of each, at the top.
    assert.deepEqual(readdirSync(join(project, "node_modules/@flyte")).sort(), ["cli", "console", "engine", "idl", "server", "worker"]);
    // The console ships as built files only: none of its build's dependencies (React, Vite) come along.
    assert.deepEqual(Object.keys((JSON.parse(readFileSync(join(project, "node_modules/@flyte/console/package.json"), "utf8")) as { dependencies?: object }).dependencies ?? {}), []);
    assert.ok(!existsSync(join(project, "node_modules/react")) && !existsSync(join(project, "node_modules/vite")), "React and Vite are not installed");
  });

  test("the installed JavaScript loads protobuf-es from the one bundled copy in @flyte/idl, not from node_modules", () => {
    // scripts/bundle-protobuf.ts: protobuf-es's 66 modules and its 14 well-known types' descriptors
    // cost every command; the bundle holds only what the packages import.
    const named = ["flytekit", "@flyte/cli", "@flyte/idl", "@flyte/engine", "@flyte/server", "@flyte/worker"].flatMap((pkg) =>
      filesUnder(join(project, "node_modules", pkg)).filter((f) => f.endsWith(".js") && !f.includes("/node_modules/", join(project, "node_modules", pkg).length) && /["']@bufbuild\/protobuf/.test(readFileSync(f, "utf8"))),
    );
    assert.deepEqual(named, [], "these files import @bufbuild/protobuf itself");
    const bundled = readFileSync(join(project, "node_modules/@flyte/idl/dist/protobuf.js"), "utf8");
    assert.match(bundled, /file_google_protobuf_timestamp/, "the well-known types the IDL uses are in the bundle");
    assert.doesNotMatch(bundled, /file_google_protobuf_api\b|file_google_protobuf_compiler_plugin/, "well-known types nothing uses are not");
  });

  test("plain tsc (strict, module nodenext) type-checks the project and the packages' declarations", () => {
    // The scaffold skips checking libraries (as `tsc --init` does); checking them here proves the
    // shipped declarations are valid under a user's strict settings.
    check(runNpm(["run", "typecheck", "--", "--skipLibCheck", "false"], project, env), "tsc");
  });

  test("flyte run runs the project's workflow, whose tasks live in another file", () => {
    const out = check(flyte("run", "src/workflow.ts", "hello_wf", "--who", "Ada", "--json"), "flyte run");
    assert.deepEqual(JSON.parse(out), { greeting: "Hello, Ada!", letters: 8 });
  });

  test("the project's own test passes", () => {
    check(runNpm(["test"], project, env), "npm test in the project");
  });

  test("a server from the installed CLI registers the project and runs it", async () => {
    const server = await startServer(env);
    try {
      const registered = check(flyte("register", "src/index.ts", "--endpoint", server.url), "flyte register");
      // Named after the module that defines it (src/workflow.ts), not the index that re-exports it.
      assert.match(registered, /registered workflow\s+src\.workflow\.hello_wf/);
      const out = check(flyte("run", "--remote", "src/index.ts", "hello_wf", "--who", "Ada", "--wait", "--json", "--endpoint", server.url), "flyte run --remote");
      assert.deepEqual(JSON.parse(out), { greeting: "Hello, Ada!", letters: 8 });
      // The console ships built in the packages: a deep link answers the app.
      const page = await fetch(`${server.url}/console/projects/flytesnacks/executions?domain=development`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="module"[^>]+\/console\/assets\//);
    } finally {
      await server.stop();
    }
  });
});
