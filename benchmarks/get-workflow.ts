/**
 * The server's CPU per `GetWorkflow` of a 5,000-node workflow (what the console's execution page
 * waits for first), over the three ways clients ask: Connect binary over HTTP/1.1 with the
 * `Accept-Encoding` a browser sends (the console), the same without compression, and gRPC over
 * HTTP/2 (generated clients, the CLI). Opt-in: `npm run bench -- get-workflow`.
 *
 * A real `flyte start` process; its CPU time (/proc, ticks of 10 ms) over GET_WORKFLOW_CALLS
 * (default 40) sequential calls per way, after one warm-up call each. CPU, not wall time: the
 * machines here are shared.
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
import { idOf, registerFixtures } from "../packages/server/src/testing/fixtures.ts";
import { registerFan } from "./bench-workflows.ts";
import { startServer } from "./console-server.ts";
import { report } from "./report.ts";

const NODES = 5_000;
const CALLS = Number(process.env["GET_WORKFLOW_CALLS"] ?? "40");

/** Server CPU per GetWorkflow of a 5,000-node workflow, per protocol. */
export async function benchGetWorkflow(): Promise<void> {
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
      const cpu0 = server.cpuMs();
      const bytes = await call();
      const first = server.cpuMs() - cpu0;
      const cpu1 = server.cpuMs();
      for (let i = 0; i < CALLS; i++) await call();
      const per = (server.cpuMs() - cpu1) / CALLS;
      report({ bench: "get-workflow", metric: `${NODES}-node GetWorkflow, server CPU per call: ${name}`, value: per, unit: "ms", runs: CALLS, note: `first call ${first} ms; answer ${bytes} bytes (decoded); load ${loadAverage()}` });
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
