// FlyteAdmin's HTTP API (`/api/v1/...`) on a real `flyte start` with a worker: the routes Flyte's
// console uses answer what the gRPC API answers — as JSON with proto field names, and as binary
// protobuf when the client accepts application/octet-stream — an execution launched over HTTP
// runs, query parameters map onto request fields, and failures have the gateway's JSON shape.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fromBinary, toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Sort_Direction } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { ExecutionSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { flyteAsync } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const P = "flytesnacks";
const D = "development";

describe("FlyteAdmin's HTTP API", () => {
  let dir: string;
  let server: ServerProcess;
  let grpc: Client<typeof AdminService>;
  let version: string;
  const EXEC = "gw1";

  /** GETs `path` as JSON; returns the status and the parsed body. */
  const getJson = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${server.url}${path}`, init);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/, path);
    return { status: res.status, body: await res.json() };
  };
  /** The route answers `expected` (a gRPC answer of `schema`), as JSON and as binary protobuf. */
  const same = async <T extends DescMessage>(path: string, schema: T, expected: MessageShape<T>): Promise<void> => {
    const json = await getJson(path);
    assert.equal(json.status, 200, `${path}: ${JSON.stringify(json.body)}`);
    assert.deepEqual(json.body, toJson(schema, expected, { useProtoFieldName: true }), path);
    const res = await fetch(`${server.url}${path}`, { headers: { accept: "application/octet-stream" } });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    const decoded = fromBinary(schema, new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(toJson(schema, decoded), toJson(schema, expected), `${path} (binary)`);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyte-http-gateway-"));
    server = await startServerProcess(dir, ["--workers", "1"]);
    grpc = createClient(AdminService, createGrpcTransport({ baseUrl: server.url }));
    const reg = await flyteAsync(["register", "tests/testdata/remote.ts", "--json", "--endpoint", server.url]);
    assert.equal(reg.status, 0, reg.stderr);
    version = (JSON.parse(reg.stdout) as { version: string }).version;
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an execution launched with POST /api/v1/executions runs, and GET follows it", async () => {
    const created = await fetch(`${server.url}/api/v1/executions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        project: P,
        domain: D,
        name: EXEC,
        spec: { launch_plan: { resource_type: "LAUNCH_PLAN", project: P, domain: D, name: "shout_wf", version } },
        inputs: { literals: { text: { scalar: { primitive: { string_value: "hi" } } } } },
      }),
    });
    assert.equal(created.status, 200, await created.clone().text());
    assert.deepEqual(((await created.json()) as { id: unknown }).id, { project: P, domain: D, name: EXEC });
    let phase = "";
    for (let i = 0; i < 300 && phase !== "SUCCEEDED" && phase !== "FAILED"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      phase = ((await getJson(`/api/v1/executions/${P}/${D}/${EXEC}`)).body as { closure: { phase: string } }).closure.phase;
    }
    assert.equal(phase, "SUCCEEDED");
    const data = await getJson(`/api/v1/data/executions/${P}/${D}/${EXEC}`);
    assert.deepEqual((data.body as { full_outputs: unknown }).full_outputs, { literals: { o0: { scalar: { primitive: { string_value: "HI" } } } } });
  });

  test("the console's routes answer as the gRPC API does, in JSON and in binary", async () => {
    const exec = { project: P, domain: D, name: EXEC };
    const node = { executionId: exec, nodeId: "n0" };
    const wf = { resourceType: ResourceType.WORKFLOW, project: P, domain: D, name: "shout_wf", version };
    const lp = { ...wf, resourceType: ResourceType.LAUNCH_PLAN };
    const task = { resourceType: ResourceType.TASK, project: P, domain: D, name: "shout", version };
    const schemaOf = AdminService.method;
    await same("/api/v1/version", schemaOf.getVersion.output, await grpc.getVersion({}));
    await same("/api/v1/projects", schemaOf.listProjects.output, await grpc.listProjects({}));
    await same("/api/v1/domains", schemaOf.getDomains.output, await grpc.getDomains({}));
    await same(`/api/v1/executions/${P}/${D}?limit=10`, schemaOf.listExecutions.output, await grpc.listExecutions({ id: { project: P, domain: D }, limit: 10 }));
    await same(`/api/v1/executions/${P}/${D}/${EXEC}`, ExecutionSchema, await grpc.getExecution({ id: exec }));
    await same(`/api/v1/data/executions/${P}/${D}/${EXEC}`, schemaOf.getExecutionData.output, await grpc.getExecutionData({ id: exec }));
    await same(`/api/v1/node_executions/${P}/${D}/${EXEC}`, schemaOf.listNodeExecutions.output, await grpc.listNodeExecutions({ workflowExecutionId: exec }));
    await same(`/api/v1/node_executions/${P}/${D}/${EXEC}/n0`, schemaOf.getNodeExecution.output, await grpc.getNodeExecution({ id: node }));
    await same(`/api/v1/data/node_executions/${P}/${D}/${EXEC}/n0`, schemaOf.getNodeExecutionData.output, await grpc.getNodeExecutionData({ id: node }));
    await same(`/api/v1/task_executions/${P}/${D}/${EXEC}/n0`, schemaOf.listTaskExecutions.output, await grpc.listTaskExecutions({ nodeExecutionId: node }));
    await same(`/api/v1/workflows/${P}/${D}`, schemaOf.listWorkflows.output, await grpc.listWorkflows({ id: { project: P, domain: D } }));
    await same(`/api/v1/workflows/${P}/${D}/shout_wf/${version}`, schemaOf.getWorkflow.output, await grpc.getWorkflow({ id: wf }));
    await same(`/api/v1/launch_plans/${P}/${D}/shout_wf`, schemaOf.listLaunchPlans.output, await grpc.listLaunchPlans({ id: { project: P, domain: D, name: "shout_wf" } }));
    await same(`/api/v1/launch_plans/${P}/${D}/shout_wf/${version}`, schemaOf.getLaunchPlan.output, await grpc.getLaunchPlan({ id: lp }));
    await same(`/api/v1/tasks/${P}/${D}/shout/${version}`, schemaOf.getTask.output, await grpc.getTask({ id: task }));
    await same(`/api/v1/task_ids/${P}/${D}`, schemaOf.listTaskIds.output, await grpc.listTaskIds({ project: P, domain: D }));
    await same(`/api/v1/named_entities/WORKFLOW/${P}/${D}`, schemaOf.listNamedEntities.output, await grpc.listNamedEntities({ resourceType: ResourceType.WORKFLOW, project: P, domain: D }));
    await same(
      `/api/v1/named_entities/LAUNCH_PLAN/${P}/${D}/shout_wf`,
      schemaOf.getNamedEntity.output,
      await grpc.getNamedEntity({ resourceType: ResourceType.LAUNCH_PLAN, id: { project: P, domain: D, name: "shout_wf" } }),
    );
  });

  test("query parameters map onto the request: limit, token, filters, sort_by, enums by name or number", async () => {
    const schema = AdminService.method.listWorkflows.output;
    const sortBy = { key: "name", direction: Sort_Direction.ASCENDING };
    const first = await grpc.listWorkflows({ id: { project: P, domain: D }, limit: 2, sortBy });
    assert.equal(first.workflows.length, 2);
    await same(`/api/v1/workflows/${P}/${D}?limit=2&sort_by.key=name&sort_by.direction=ASCENDING`, schema, first);
    await same(`/api/v1/workflows/${P}/${D}?limit=2&sort_by.key=name&sort_by.direction=1`, schema, first);
    const next = await grpc.listWorkflows({ id: { project: P, domain: D }, limit: 2, token: first.token, sortBy });
    await same(`/api/v1/workflows/${P}/${D}?limit=2&token=${first.token}&sort_by.key=name&sort_by.direction=ASCENDING`, schema, next);
    const filters = "eq(phase,SUCCEEDED)";
    await same(
      `/api/v1/executions/${P}/${D}?filters=${encodeURIComponent(filters)}`,
      AdminService.method.listExecutions.output,
      await grpc.listExecutions({ id: { project: P, domain: D }, filters, limit: 100 }),
    );
  });

  test("failures have the gateway's JSON shape and the status of their gRPC code", async () => {
    const missing = await getJson(`/api/v1/executions/${P}/${D}/no-such-execution`);
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body as object).sort(), ["code", "details", "message"]);
    assert.equal((missing.body as { code: number }).code, 5);
    assert.match((missing.body as { message: string }).message, /no-such-execution/);

    const badEnum = await getJson(`/api/v1/named_entities/WORKFLOWS/${P}/${D}`);
    assert.equal(badEnum.status, 400);
    assert.match((badEnum.body as { message: string }).message, /resource_type: 'WORKFLOWS' is not a value of/);

    const noRoute = await getJson("/api/v1/no_such_thing");
    assert.equal(noRoute.status, 404);
    assert.match((noRoute.body as { message: string }).message, /no route for GET \/api\/v1\/no_such_thing/);

    const wrongVerb = await getJson("/api/v1/version", { method: "DELETE" });
    assert.equal(wrongVerb.status, 405);

    const badLimit = await getJson(`/api/v1/workflows/${P}/${D}?limit=ten`);
    assert.equal(badLimit.status, 400);
    assert.match((badLimit.body as { message: string }).message, /limit: 'ten' is not an integer/);
  });
});
