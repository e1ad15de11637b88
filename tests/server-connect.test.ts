// The server as the console and our CLI see it: a Connect client over HTTP/1.1 (and one gRPC-web
// call). Projects and domains, launch plan validation and activation, named entities, uploads
// through CreateUploadLocation, refused upload paths, and the execution RPCs being served.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { clone, create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { NamedEntityState } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { LaunchPlanMetadataSchema, LaunchPlanSpecSchema, LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { Project_ProjectState } from "@flyte/idl/gen/flyteidl/admin/project_pb.js";
import { CronScheduleSchema, ScheduleSchema } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import { IdentifierSchema, ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { flyte } from "./helpers.ts";
import { exampleSpecs, startServerProcess, type ExampleSpecs, type ServerProcess } from "./server-helpers.ts";

const PROJECT = "proj-connect";
const DOMAIN = "staging";

/** Expects `promise` to fail with `code`; returns the message. */
async function fails(promise: Promise<unknown>, code: Code): Promise<string> {
  const err = await promise.then(
    () => assert.fail(`expected ${Code[code]}`),
    (e: unknown) => ConnectError.from(e),
  );
  assert.equal(err.code, code, `expected ${Code[code]}, got ${Code[err.code]}: ${err.rawMessage}`);
  return err.rawMessage;
}

/** A raw HTTP/1.1 request whose path is sent exactly as written (fetch would resolve '..'). */
function rawRequest(port: number, method: string, path: string, headers: Record<string, string> = {}, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", (e) => reject(new Error(`${method} ${path}: ${e.message}`)));
    req.end(body);
  });
}

describe("server over Connect (HTTP/1.1)", () => {
  let dataDir: string;
  let server: ServerProcess;
  let adminClient: Client<typeof AdminService>;
  let dataProxy: Client<typeof DataProxyService>;
  let specs: ExampleSpecs;

  const wfId = (version: string) => ({ resourceType: ResourceType.WORKFLOW, project: PROJECT, domain: DOMAIN, name: "my_wf", version });
  const lpId = (version: string) => ({ resourceType: ResourceType.LAUNCH_PLAN, project: PROJECT, domain: DOMAIN, name: "my_wf", version });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-server-connect-"));
    server = await startServerProcess(dataDir);
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
    adminClient = createClient(AdminService, transport);
    dataProxy = createClient(DataProxyService, transport);
    specs = await exampleSpecs(PROJECT, DOMAIN, "v1");
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a fresh server has project flytesnacks and domains development, staging, production", async () => {
    const domains = await adminClient.getDomains({});
    assert.deepEqual(domains.domains.map((d) => d.id), ["development", "staging", "production"]);
    const projects = await adminClient.listProjects({});
    assert.deepEqual(projects.projects.map((p) => p.id), ["flytesnacks"]);
    assert.equal(projects.projects[0]!.domains.length, 3);
  });

  test("projects register once, update, and archived ones leave the default list", async () => {
    await fails(adminClient.createTask({ id: { ...wfId("v1"), resourceType: ResourceType.TASK }, spec: specs.tasks[0]! }), Code.InvalidArgument);
    await adminClient.registerProject({ project: { id: PROJECT, name: "Connect tests" } });
    assert.match(await fails(adminClient.registerProject({ project: { id: PROJECT } }), Code.AlreadyExists), /project 'proj-connect' already exists/);
    assert.match(await fails(adminClient.registerProject({ project: { id: "Bad_Id" } }), Code.InvalidArgument), /invalid project id 'Bad_Id'/);
    await adminClient.registerProject({ project: { id: "old-project" } });
    await adminClient.updateProject({ id: "old-project", state: Project_ProjectState.ARCHIVED });
    const ids = (await adminClient.listProjects({})).projects.map((p) => p.id).sort();
    assert.deepEqual(ids, ["flytesnacks", PROJECT]);
    assert.equal((await adminClient.getProject({ id: PROJECT })).name, "Connect tests");
    await fails(adminClient.getProject({ id: "nope" }), Code.NotFound);
  });

  test("entities register over Connect and one launch plan version is active at a time", async () => {
    for (const task of specs.tasks) await adminClient.createTask({ id: task.template!.id!, spec: task });
    await adminClient.createWorkflow({ id: wfId("v1"), spec: specs.workflow });
    await adminClient.createLaunchPlan({ id: lpId("v1"), spec: specs.launchPlan.spec! });
    const v2 = clone(LaunchPlanSpecSchema, specs.launchPlan.spec!);
    await adminClient.createLaunchPlan({ id: lpId("v2"), spec: v2 });

    await fails(adminClient.getActiveLaunchPlan({ id: { project: PROJECT, domain: DOMAIN, name: "my_wf" } }), Code.NotFound);
    await adminClient.updateLaunchPlan({ id: lpId("v1"), state: LaunchPlanState.ACTIVE });
    assert.equal((await adminClient.getActiveLaunchPlan({ id: { project: PROJECT, domain: DOMAIN, name: "my_wf" } })).id?.version, "v1");
    await adminClient.updateLaunchPlan({ id: lpId("v2"), state: LaunchPlanState.ACTIVE });
    assert.equal((await adminClient.getActiveLaunchPlan({ id: { project: PROJECT, domain: DOMAIN, name: "my_wf" } })).id?.version, "v2");
    assert.equal((await adminClient.getLaunchPlan({ id: lpId("v1") })).closure?.state, LaunchPlanState.INACTIVE);
    const active = await adminClient.listActiveLaunchPlans({ project: PROJECT, domain: DOMAIN });
    assert.deepEqual(active.launchPlans.map((lp) => lp.id?.version), ["v2"]);
    await fails(adminClient.updateLaunchPlan({ id: lpId("v9"), state: LaunchPlanState.ACTIVE }), Code.NotFound);
  });

  test("launch plans that do not fit their workflow are INVALID_ARGUMENT", async () => {
    const scheduled = clone(LaunchPlanSpecSchema, specs.launchPlan.spec!);
    scheduled.entityMetadata = create(LaunchPlanMetadataSchema, {
      schedule: create(ScheduleSchema, { ScheduleExpression: { case: "cronSchedule", value: create(CronScheduleSchema, { schedule: "0 * * * *" }) } }),
    });
    const message = await fails(adminClient.createLaunchPlan({ id: lpId("sched"), spec: scheduled }), Code.InvalidArgument);
    assert.match(message, /unbound required input. \[a\] is required/);
    const missingWf = clone(LaunchPlanSpecSchema, specs.launchPlan.spec!);
    missingWf.workflowId = create(IdentifierSchema, wfId("v404"));
    assert.match(await fails(adminClient.createLaunchPlan({ id: lpId("orphan"), spec: missingWf }), Code.NotFound), /workflow 'proj-connect\/staging\/my_wf@v404'/);
  });

  test("named entities list each name and can be archived", async () => {
    const list = await adminClient.listNamedEntities({ resourceType: ResourceType.WORKFLOW, project: PROJECT, domain: DOMAIN });
    assert.deepEqual(list.entities.map((e) => e.id?.name), ["my_wf"]);
    await adminClient.updateNamedEntity({
      resourceType: ResourceType.WORKFLOW,
      id: { project: PROJECT, domain: DOMAIN, name: "my_wf" },
      metadata: { description: "retired", state: NamedEntityState.NAMED_ENTITY_ARCHIVED },
    });
    const after = await adminClient.listNamedEntities({ resourceType: ResourceType.WORKFLOW, project: PROJECT, domain: DOMAIN });
    assert.equal(after.entities.length, 0);
    const one = await adminClient.getNamedEntity({ resourceType: ResourceType.WORKFLOW, id: { project: PROJECT, domain: DOMAIN, name: "my_wf" } });
    assert.equal(one.metadata?.description, "retired");
    await fails(adminClient.getNamedEntity({ resourceType: ResourceType.TASK, id: { project: PROJECT, domain: DOMAIN, name: "nope" } }), Code.NotFound);
  });

  test("a file uploaded to CreateUploadLocation's signed URL downloads from its native URL", async () => {
    const loc = await dataProxy.createUploadLocation({ project: PROJECT, domain: DOMAIN, filename: "bundle.tar.gz", filenameRoot: "fast123" });
    assert.equal(loc.signedUrl, `${server.url}/upload/${PROJECT}/${DOMAIN}/fast123/bundle.tar.gz`);
    const body = new Uint8Array([1, 2, 3, 250, 251]);
    const put = await fetch(loc.signedUrl, { method: "PUT", body });
    assert.equal(put.status, 200, await put.text());
    const got = await fetch(loc.nativeUrl);
    assert.equal(got.status, 200);
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), body);
    assert.match(await fails(dataProxy.createUploadLocation({ project: PROJECT, domain: DOMAIN, filename: "../x", filenameRoot: "r" }), Code.InvalidArgument), /'\.\.'/);
  });

  test("uploads that escape their folder are refused with 400, too large ones with 413", async () => {
    for (const path of ["/upload/a/../../../etc/passwd", "/upload/a/%2e%2e/%2e%2e/x", "/upload//etc/passwd", "/download/a/../../flyte.db"]) {
      const res = await rawRequest(server.port, path.startsWith("/upload") ? "PUT" : "GET", path, {}, "x");
      assert.equal(res.status, 400, `${path}: ${res.body}`);
      assert.match(res.body, /refused/);
    }
    const big = await rawRequest(server.port, "PUT", "/upload/a/b/big.bin", { "content-length": String(2 * 1024 * 1024 * 1024) }, "x");
    assert.equal(big.status, 413);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  test("gRPC-web clients are served on the same port", async () => {
    const web = createClient(AdminService, createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    assert.equal((await web.getVersion({})).controlPlaneVersion?.Version, "0.1.0");
  });

  test("execution RPCs are served by flyte start: an execution of an unknown launch plan is NOT_FOUND", async () => {
    const message = await fails(
      adminClient.createExecution({ project: PROJECT, domain: DOMAIN, spec: { launchPlan: lpId("no-such-version") } }),
      Code.NotFound,
    );
    assert.match(message, /launch plan '.*my_wf@no-such-version' is not registered/);
  });
});

describe("flyte start command line", () => {
  test("a port that is not a number is a usage error pointing at start's usage", () => {
    const res = flyte("start", "--port", "http");
    assert.equal(res.status, 2);
    assert.match(res.stderr, /--port must be a number/);
    assert.match(res.stderr, /run 'flyte start --help' for its options/);
  });
});
