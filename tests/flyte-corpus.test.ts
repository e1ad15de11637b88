/**
 * The Flyte-corpus check (`../shared/flyte-corpus/run.cjs`): material Flyte itself wrote
 * (pyflyte packages, flytepropeller's compiler test data with golden closures, kubectl-flyte and
 * flytectl samples) registered against a server started from this checkout, each item's
 * acceptance compared with Flyte's verdict and each compiled closure with Flyte's golden; in
 * execute mode every accepted workflow is launched too. The harness exits 0 only when everything
 * matches. It runs when the corpus sits beside the checkout (as in CI: a fresh clone with a
 * read-only copy of `shared/` next to it) and is skipped, saying so, otherwise.
 *
 * TOOLS (protobufjs, @grpc/grpc-js, @flyteorg/flyteidl@1.16.5, which the harness loads) is this
 * repository: all three are its devDependencies.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "./helpers.ts";

const CORPUS = resolve(ROOT, "../shared/flyte-corpus");
const HARNESS = join(CORPUS, "run.cjs");
const present = existsSync(HARNESS);
const skip = present ? false : `the Flyte corpus is not beside this checkout (no ${HARNESS}); the interoperability check did not run`;

// Generous: about a minute each on a quiet machine, much longer on a loaded one.
const TIMEOUT_MS = 15 * 60_000;

/** Engine failures that mean a workflow never reached its tasks. */
const BEFORE_TASKS = /SYSTEM:(InvalidClosure|BindingResolution|UnsupportedNode|RunnerError)|internal|E_INTERNAL/i;

interface ExecutedItem {
  readonly file: string;
  readonly kind: string;
  readonly ours?: { readonly status?: string };
  readonly exec?: { readonly created?: { readonly status?: string }; readonly phase?: string; readonly error?: string };
}

/** Accepted workflows whose execution was not created or failed before its tasks ran. */
function executionProblems(reportJson: string): string[] {
  const items = (JSON.parse(readFileSync(reportJson, "utf8")) as { results: ExecutedItem[] }).results;
  const problems: string[] = [];
  for (const item of items) {
    if (item.kind !== "workflow" || item.ours?.status !== "accepted") continue;
    const exec = item.exec;
    if (exec?.created?.status !== "accepted") problems.push(`${item.file}: no execution (${JSON.stringify(exec?.created)})`);
    else if (BEFORE_TASKS.test(exec.error ?? "")) problems.push(`${item.file}: ${exec.phase ?? "?"} ${exec.error ?? ""}`);
  }
  return problems;
}

interface HarnessRun {
  readonly status: number | null;
  readonly output: string;
}

/** Runs the harness in its own process group (it starts a server), killing the group on timeout. */
function runHarness(mode: "register" | "execute", out: string, home: string): Promise<HarnessRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [HARNESS, ROOT, "--mode", mode, "--out", out], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        TOOLS: ROOT,
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_DATA_HOME: join(home, "data"),
        XDG_CACHE_HOME: join(home, "cache"),
        XDG_STATE_HOME: join(home, "state"),
      },
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, TIMEOUT_MS);
    child.on("close", (status) => {
      clearTimeout(timer);
      done({ status, output });
    });
  });
}

describe("Flyte corpus: Flyte's own workflows register, compile like Flyte and run", { skip }, () => {
  for (const mode of ["register", "execute"] as const) {
    test(`run.cjs --mode ${mode} exits 0: every verdict and golden comparison as Flyte's${mode === "execute" ? ", every accepted workflow reaches its tasks" : ""}`, { timeout: TIMEOUT_MS + 60_000 }, async (t) => {
      // Kept when the check fails, for its reports; removed when it passes.
      const dir = mkdtempSync(join(tmpdir(), `flyte-corpus-${mode}-`));
      const run = await runHarness(mode, join(dir, "results"), dir);
      const summary = run.output.split("\n").find((line) => /^\d+ items;/.test(line)) ?? "(no summary line)";
      t.diagnostic(summary);
      const report = join(dir, "results", `results-${mode}`);
      assert.equal(run.status, 0, `run.cjs --mode ${mode} exited ${run.status}: ${summary}\n${run.output.slice(-4000)}\n(reports: ${report}.md / .json)`);
      assert.match(summary, / 0 differently; golden closures: (\d+)\/\1 same/);
      if (mode === "execute") {
        const problems = executionProblems(`${report}.json`);
        assert.deepEqual(problems, [], `workflows that did not reach their tasks (reports: ${report}.md / .json)`);
      }
      rmSync(dir, { recursive: true, force: true });
    });
  }
});
