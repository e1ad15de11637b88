// Ad-hoc: the server's share of the 5,000-node execution page (not committed).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { WatchService } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";

const prof = process.argv[2] === "prof" ? ["--cpu-prof", "--cpu-prof-dir=/tmp/cprof/srv"] : [];
const child = spawn(process.execPath, [...prof, "packages/cli/bin/flyte.ts", "start", "--port", "0", "--data-dir", "/tmp/cprof/data", "--workers", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((done) => child.stdout.setEncoding("utf8").on("data", (c: string) => { const m = /serving on (http:\/\/\S+)/.exec(c); if (m) done(m[1]!); }));
const t = createConnectTransport({ baseUrl: url, httpVersion: "1.1" });
const admin = createClient(AdminService, t);
const watch = createClient(WatchService, t);
const name = readFileSync("/tmp/cprof/fan", "utf8");
const id = { project: "flytesnacks", domain: "development", name };
for (let run = 0; run < 3; run++) {
  const s = performance.now();
  const times: number[] = [];
  const abort = new AbortController();
  for await (const m of watch.watchExecution({ id, cursor: 0n }, { signal: abort.signal })) {
    times.push(performance.now() - s);
    if (m.nodeExecutions.length > 0) break;
  }
  abort.abort();
  const e = await admin.getExecution({ id });
  const w0 = performance.now();
  await admin.getWorkflow({ id: { ...e.closure!.workflowId!, resourceType: ResourceType.WORKFLOW } });
  const w = performance.now() - w0;
  const d0 = performance.now();
  await admin.getExecutionData({ id });
  console.log(`watch header ${Math.round(times[0]!)} ms, nodes ${Math.round(times.at(-1)!)} ms; GetWorkflow ${Math.round(w)} ms; GetExecutionData ${Math.round(performance.now() - d0)} ms`);
}
child.kill("SIGTERM");
await new Promise((d) => child.once("exit", d));
