/**
 * Helpers for cross-part tests: run the real `flyte` CLI and example files in fresh processes.
 */
import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "..");

/** What a finished process printed and returned. */
export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of CLI processes in tests: an empty config file, so that the tester's own
 * `~/.flyte/config.yaml` (or FLYTE_CONFIG) never decides where remote commands go, and no code
 * bundles kept in the tester's ~/.cache (tests of that cache give it a folder of their own).
 */
export const ISOLATED_ENV: NodeJS.ProcessEnv = { FLYTE_CONFIG: "/dev/null", FLYTE_BUNDLE_CACHE: "off" };

/**
 * How long a spawned command may run before it is killed. Generous on purpose: the suite runs many
 * processes at once, and a loaded 2-core machine can be several times slower than a quiet one.
 */
export const PROCESS_TIMEOUT_MS = 240_000;

/** Runs `node args...` from the repository root. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): ProcessResult {
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...ISOLATED_ENV, ...env }, timeout: PROCESS_TIMEOUT_MS });
  const timedOut = res.error !== undefined && (res.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
  return { status: res.status, stdout: res.stdout, stderr: timedOut ? `${res.stderr}\n[killed: still running after ${PROCESS_TIMEOUT_MS} ms]` : res.stderr };
}

/** Runs the `flyte` CLI with `args`. */
export function flyte(...args: string[]): ProcessResult {
  return runNode(["packages/cli/bin/flyte.ts", ...args]);
}

/** Runs the `flyte` CLI without blocking the event loop (tests poll or run commands concurrently); `env` is added to the environment. */
export function flyteAsync(args: readonly string[], timeoutMs = PROCESS_TIMEOUT_MS, env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...ISOLATED_ENV, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr: killed ? `${stderr}\n[killed: still running after ${timeoutMs} ms]` : stderr });
    });
  });
}

/** Whether process `pid` still exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
