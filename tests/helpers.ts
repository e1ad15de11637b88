/**
 * Helpers for cross-part tests: run the real `flyte` CLI and example files in fresh processes.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "..");

/** What a finished process printed and returned. */
export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node args...` from the repository root. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): ProcessResult {
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Runs the `flyte` CLI with `args`. */
export function flyte(...args: string[]): ProcessResult {
  return runNode(["packages/cli/bin/flyte.ts", ...args]);
}
