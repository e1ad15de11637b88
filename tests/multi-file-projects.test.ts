// A project split across files, as a user writes one, against a real `flyte start` and its
// workers: folder registration, tasks from other files / unexported / inline in mapTask / made in
// a dynamic body running on workers, names that do not depend on the cwd or the arguments, and
// errors that point at the code (load errors, promise misuse, task errors locally, in a script and
// on the server). The project lives under the checkout's git-ignored tmp/ so that it resolves
// `flytekit` from the workspace.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const BIN = join(ROOT, "packages/cli/bin/flyte.ts");

const FILES: Record<string, string> = {
  "package.json": `{ "type": "module", "private": true }\n`,
  "src/lib/math.ts": `import { z } from "zod";
import { task } from "flytekit";

export function check(a: number): number {
  if (a < 0) throw new Error(\`a must not be negative, got \${a}\`);
  return a;
}

export const double = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => check(a) * 2);
`,
  "src/flows/pipeline.ts": `import { z } from "zod";
import { dynamic, mapTask, task, workflow } from "flytekit";
import { check, double } from "../lib/math.ts";

const addOne = task({ name: "add_one", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a + 1);

export const wf = workflow({ inputs: { a: z.int() }, outputs: z.array(z.int()) }, ({ a }) => {
  const b = addOne({ a: double({ a }) });
  return mapTask(task({ name: "times_ten", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a * 10))({ a: [b, a] });
});

export const fan = dynamic({ inputs: { n: z.int() }, outputs: z.array(z.int()) }, ({ n }) => {
  const plusN = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a + n);
  return Array.from({ length: n }, (_, i) => plusN({ a: i }));
});

export const failing = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => check(-a));
`,
  "src/flows/pipeline.test.ts": `throw new Error("tests are not registered");\n`,
  "src/types.d.ts": `export type Unused = number;\n`,
  "src/node_modules/skipped.ts": `throw new Error("node_modules is not registered");\n`,
  "script.ts": `import { failing } from "./src/flows/pipeline.ts";\nawait failing({ a: 1 });\n`,
  "bad/syntax.ts": `import { task } from "flytekit";
const x: number = 1;
export const t = task({}, () => { return x +; });
`,
  "bad/misuse.ts": `import { z } from "zod";
import { task, workflow } from "flytekit";
export const t = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a);
export const wf = workflow({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => {
  const x = t({ a });
  return t({ a: x + 1 });
});
`,
  "bad/unnamed.ts": `import { z } from "zod";
import { task, workflow } from "flytekit";
const hidden = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a);
export const wf = workflow({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => hidden({ a }));
`,
};

/** Runs the CLI (or `node FILE` when args[0] ends in .ts and is not a flag) in `cwd`. */
function run(cwd: string, args: readonly string[], script = BIN): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FLYTE_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe("a multi-file project on flyte start", () => {
  let project: string;
  let dataDir: string;
  let server: ServerProcess;
  const flyteIn = async (cwd: string, ...args: string[]): Promise<ProcessResult> => run(cwd, [...args, "--endpoint", server.url]);
  const ok = async (cwd: string, ...args: string[]): Promise<string> => {
    const res = await flyteIn(cwd, ...args);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    mkdirSync(join(ROOT, "tmp"), { recursive: true });
    project = mkdtempSync(join(ROOT, "tmp", "multi-file-"));
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    dataDir = mkdtempSync(join(tmpdir(), "flyte-multi-file-"));
    // Two workers: a dynamic body's tasks may run on another worker than the body.
    server = await startServerProcess(dataDir, ["--workers", "2"], { XDG_CACHE_HOME: join(dataDir, "cache") });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  test("register DIR registers every module under it (not tests, .d.ts or node_modules), with the tasks they use", async () => {
    const out = JSON.parse(await ok(project, "register", "src", "--json")) as { registered: Array<{ kind: string; name: string }> };
    const names = out.registered.map((r) => `${r.kind} ${r.name}`).sort();
    assert.deepEqual(names, [
      "launchPlan src.flows.pipeline.wf",
      "task add_one",
      "task map_times_ten_762cd6d7",
      "task src.flows.pipeline.failing",
      "task src.flows.pipeline.fan",
      "task src.lib.math.double",
      "workflow src.flows.pipeline.wf",
    ]);
  });

  test("tasks from another file, unexported, inline in mapTask and made in a dynamic body run on workers", async () => {
    assert.equal(await ok(project, "run", "--remote", "src/flows/pipeline.ts", "wf", "--a", "1", "--wait", "--json"), '{"o0":[30,10]}\n');
    assert.equal(await ok(project, "run", "--remote", "src/flows/pipeline.ts", "fan", "--n", "3", "--wait", "--json"), '{"o0":[3,4,5]}\n');
  });

  test("names and the derived version depend on the code, not on the cwd or the files given; unchanged code says so", async () => {
    type Out = { version: string; registered: Array<{ name: string; status: string }> };
    const fromRoot = JSON.parse(await ok(project, "register", "src/flows/pipeline.ts", "--json")) as Out;
    const fromFolder = JSON.parse(await ok(join(project, "src", "flows"), "register", "pipeline.ts", "--json")) as Out;
    const fromOutside = JSON.parse(await ok(ROOT, "register", join(project, "src", "lib", "math.ts"), join(project, "src", "flows", "pipeline.ts"), "--json")) as Out;
    assert.equal(fromFolder.version, fromRoot.version);
    assert.equal(fromOutside.version, fromRoot.version);
    assert.deepEqual(fromFolder.registered.map((r) => r.name), fromRoot.registered.map((r) => r.name));
    assert.ok(fromFolder.registered.every((r) => r.status === "unchanged"), JSON.stringify(fromFolder.registered));
    const text = await ok(project, "register", "src/flows/pipeline.ts");
    assert.match(text, new RegExp(`^unchanged: ${fromRoot.registered.length} entities already registered in flytesnacks/development under version ${fromRoot.version} on `));
  });

  test("an entity neither exported nor named is refused, saying where it is defined", async () => {
    const res = await run(project, ["serialize", "bad/unnamed.ts", "--out", join(dataDir, "unnamed-out")]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /the task defined at bad\/unnamed\.ts:3:16 has no stable name: it is not exported and has no name\. Export it .* or give it a name/);
  });

  test("a file that fails to load is reported at file:line:column with a code frame", async () => {
    const res = await run(project, ["run", "bad/syntax.ts", "t"]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /could not load bad\/syntax\.ts: SyntaxError: Expression expected\n {2}at bad\/syntax\.ts:3:45\n/);
    assert.match(res.stderr, /> 3 \| export const t = task\(\{\}, \(\) => \{ return x \+; \}\);\n {4}\| {45}\^/);
  });

  test("a promise used as a value names the body and the expression's file:line, without a debug flag", async () => {
    const res = await run(project, ["run", "bad/misuse.ts", "wf", "--a", "1"]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /in the body of 'bad\.misuse\.wf' at bad\/misuse\.ts:6:19: output 'o0' of node n0 \(bad\.misuse\.t\) is a promise, not a value/);
    assert.match(res.stderr, /> 6 \| {3}return t\(\{ a: x \+ 1 \}\);/);
  });

  test("a task's error shows its message and the user's frames, locally, in a script and on the server", async () => {
    const userFrame = /a must not be negative, got -1\n {4}at check \(src\/lib\/math\.ts:5:20\)/;
    const local = await run(project, ["run", "src/flows/pipeline.ts", "failing", "--a", "1"]);
    assert.equal(local.status, 1);
    assert.match(local.stderr, userFrame);
    assert.doesNotMatch(local.stderr, /packages\/(flytekit|engine)|node:internal/);
    const script = await run(project, [], join(project, "script.ts"));
    assert.notEqual(script.status, 0);
    assert.match(script.stderr, userFrame);
    const remote = await flyteIn(project, "run", "--remote", "src/flows/pipeline.ts", "failing", "--a", "1", "--wait");
    assert.equal(remote.status, 1);
    assert.match(remote.stderr, userFrame);
    assert.doesNotMatch(remote.stderr, /flytekit|packages\/engine|node:internal|\.mjs/);
  });
});
