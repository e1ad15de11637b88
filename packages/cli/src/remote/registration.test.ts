// What registration under a derived version asks the server: two gets whatever the number of
// entities, then nothing more when they exist. A real server in this process; Connect clients
// like the CLI's, with an interceptor that records the name of every RPC sent.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { startServer } from "@flyte/server";
import type { Remote } from "./connection.ts";
import { registerFiles } from "./registration.ts";

const ROOT = resolve(import.meta.dirname, "../../../..");

/** Three tasks, a workflow and its default launch plan: five entities. */
const SOURCE = `import { z } from "zod";
import { task, workflow } from "flytekit";
export const plus_one = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a + 1);
export const twice = task({ inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a * 2);
export const shout = task({ inputs: { a: z.int() }, outputs: z.string() }, ({ a }) => \`\${a}!\`);
export const probe_wf = workflow({ inputs: { a: z.int() }, outputs: z.string() }, ({ a }) => shout({ a: twice({ a: plus_one({ a }) }) }));
`;

describe("registration under a derived version", () => {
  const work = mkdtempSync(join(tmpdir(), "flyte-registration-"));
  const calls: string[] = [];
  let server: Awaited<ReturnType<typeof startServer>>;
  let remote: Remote;

  before(async () => {
    process.env["XDG_CACHE_HOME"] = join(work, "cache");
    symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "probe", type: "module", private: true }));
    writeFileSync(join(work, "probe.ts"), SOURCE);
    server = await startServer({ dataDir: join(work, "data"), port: 0, fsync: false });
    const record: Interceptor = (next) => (req) => {
      calls.push(req.method.name);
      return next(req);
    };
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", interceptors: [record] });
    remote = {
      endpoint: server.url,
      project: "flytesnacks",
      domain: "development",
      admin: createClient(AdminService, transport),
      dataProxy: createClient(DataProxyService, transport),
      signals: createClient(SignalService, transport),
    };
  });

  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const gets = (): string[] => calls.filter((name) => /^Get(Task|Workflow|LaunchPlan)$/.test(name));

  test("asks two gets (the last entity, the first task) for five entities, then registers them all", async () => {
    const first = await registerFiles(remote, ["probe.ts"], { cwd: work });
    assert.equal(first.specs.length, 5);
    assert.deepEqual(first.statuses, ["registered", "registered", "registered", "registered", "registered"]);
    assert.deepEqual(gets().sort(), ["GetLaunchPlan", "GetTask"]);
    assert.equal(calls.filter((name) => name.startsWith("Create") && name !== "CreateUploadLocation").length, 5, calls.join(", "));
  });

  test("unchanged code: the same two gets, and nothing registered or uploaded", async () => {
    calls.length = 0;
    const again = await registerFiles(remote, ["probe.ts"], { cwd: work });
    assert.deepEqual(again.statuses, ["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    assert.deepEqual(calls.sort(), ["GetLaunchPlan", "GetTask"]);
  });
});
