/**
 * The server's CPU per call of the heavy RPCs of the console's execution page, for a 5,000-node
 * workflow: `GetWorkflow` (what the page waits for first) over the three ways clients ask —
 * Connect binary over HTTP/1.1 with the `Accept-Encoding` a browser sends (the console), the same
 * without compression, and gRPC over HTTP/2 (generated clients, the CLI) — and
 * `ListNodeExecutions` of an execution of it in flight (no workers), a page of 100 and all 5,000
 * (the page asks for up to 10,000), and `ListTaskExecutions` of one of its nodes (the node panel's
 * request). Opt-in: `npm run bench -- execution-page-rpcs`.
 *
 * A real `flyte start` process; its CPU time (/proc, ticks of 10 ms) over RPC_BENCH_CALLS
 * (default 40; a quarter of it for the full node list) sequential calls per figure, after one
 * warm-up call each. CPU, not wall time: the machines here are shared.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { ObjectGetRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DOMAIN, PROJECT, idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { intMap } from "../packages/server/src/testing/literals.ts";
import { registerFan } from "./bench-workflows.ts";
import { startServer, type BenchServer } from "./console-server.ts";
import { report } from "./report.ts";

const NODES = 5_000;
const CALLS = Number(process.env["RPC_BENCH_CALLS"] ?? "40");

/** Server CPU of `call` per call: the first (cold) call's, and the mean of `calls` more. */
async function cpuPerCall(server: BenchServer, call: () => Promise<number>, calls: number): Promise<{ first: number; per: number; size: number }> {
  const cpu0 = server.cpuMs();
  const size = await call();
  const first = server.cpuMs() - cpu0;
  const cpu1 = server.cpuMs();
  for (let i = 0; i < calls; i++) await call();
  return { first, per: (server.cpuMs() - cpu1) / calls, size };
}

/** Server CPU per GetWorkflow of a 5,000-node workflow per protocol, and per ListNodeExecutions of its execution. */
export async function benchExecutionPageRpcs(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "flyte-bench-getwf-"));
  const server = await startServer(dataDir, 0);
  try {
    const admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await registerFixtures(admin);
    await registerFan(admin, "fan", NODES);
    const id = idOf(ResourceType.WORKFLOW, "fan");
    const body = toBinary(ObjectGetRequestSchema, create(ObjectGetRequestSchema, { id }));
    const connect = (acceptEncoding: string) => async (): Promise<number> => {
      const res = await fetch(`${server.url}/flyteidl.service.AdminService/GetWorkflow`, {
        method: "POST",
        headers: { "content-type": "application/proto", "connect-protocol-version": "1", "accept-encoding": acceptEncoding },
        body,
      });
      if (!res.ok) throw new Error(`GetWorkflow: HTTP ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };
    const grpc = createClient(AdminService, createGrpcTransport({ baseUrl: server.url }));
    const ways: [string, () => Promise<number>][] = [
      ["Connect, binary, HTTP/1.1, Accept-Encoding gzip (the console)", connect("gzip, deflate, br, zstd")],
      ["Connect, binary, HTTP/1.1, no compression", connect("identity")],
      ["gRPC, HTTP/2", async () => toBinary(AdminService.method.getWorkflow.output, await grpc.getWorkflow({ id })).byteLength],
    ];
    for (const [name, call] of ways) {
      const { first, per, size } = await cpuPerCall(server, call, CALLS);
      report({ bench: "execution-page-rpcs", metric: `${NODES}-node GetWorkflow, server CPU per call: ${name}`, value: per, unit: "ms", runs: CALLS, note: `first call ${first} ms; answer ${size} bytes (decoded); load ${loadAverage()}` });
    }
    const execution = await admin.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: idOf(ResourceType.LAUNCH_PLAN, "fan") }, inputs: intMap({ x: 1 }) });
    // Until the engine has recorded the 5,000 queued nodes.
    for (let n = 0; n < NODES; await new Promise((done) => setTimeout(done, 200))) {
      n = (await admin.listNodeExecutions({ workflowExecutionId: execution.id, limit: 10_000 })).nodeExecutions.length;
    }
    for (const limit of [100, 10_000]) {
      const list = async (): Promise<number> => (await admin.listNodeExecutions({ workflowExecutionId: execution.id, limit })).nodeExecutions.length;
      const calls = limit === 100 ? CALLS : Math.ceil(CALLS / 4);
      const { per, size } = await cpuPerCall(server, list, calls);
      report({ bench: "execution-page-rpcs", metric: `ListNodeExecutions of a ${NODES}-node execution in flight, limit ${limit}: server CPU per call`, value: per, unit: "ms", runs: calls, note: `${size} nodes listed; load ${loadAverage()}` });
    }
    // What the node panel asks on every open.
    const nodeExecutionId = { executionId: execution.id, nodeId: "n7" };
    const attempts = async (): Promise<number> => (await admin.listTaskExecutions({ nodeExecutionId, limit: 100 })).taskExecutions.length;
    const panel = await cpuPerCall(server, attempts, CALLS);
    report({ bench: "execution-page-rpcs", metric: `ListTaskExecutions of a node of a ${NODES}-node execution in flight: server CPU per call`, value: panel.per, unit: "ms", runs: CALLS, note: `${panel.size} attempt(s) listed (no workers: queued); load ${loadAverage()}` });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
