// The workers `flyte start` spawns exit when their server dies, SIGKILL included (they watch the
// IPC channel to it), instead of polling a dead endpoint forever. Linux: child processes are found
// through /proc.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServerProcess } from "./server-helpers.ts";
import { alive } from "./helpers.ts";

/** Process ids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      // The command name (field 2) may hold spaces; the parent id is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return ppid === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

test("pool workers exit after their server is killed with SIGKILL", { skip: process.platform !== "linux" ? "needs /proc" : false }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-pool-lifetime-"));
  const server = await startServerProcess(dataDir, ["--workers", "2"]);
  try {
    const pid = server.child.pid!;
    let workers: number[] = [];
    for (let i = 0; workers.length < 2; i++) {
      assert.ok(i < 200, `flyte start did not spawn 2 workers: ${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
      workers = childrenOf(pid);
    }
    server.child.kill("SIGKILL");
    for (let i = 0; workers.some(alive); i++) {
      assert.ok(i < 600, `workers ${workers.filter(alive).join(", ")} outlived their server by 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});
