// The server as Flyte's own clients see it: a gRPC client over HTTP/2 cleartext built straight
// from Flyte's service protos (@grpc/grpc-js + the protobufjs messages of @flyteorg/flyteidl),
// not our client. Registration, identity, compile errors, status codes, malformed and oversized
// requests, and data surviving a restart.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { toBinary } from "@bufbuild/protobuf";
import { LaunchPlanSpecSchema } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowSpecSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import grpc from "@grpc/grpc-js";
import { exampleSpecs, startServerProcess, type ExampleSpecs, type ServerProcess } from "./server-helpers.ts";

// --- Flyte's pb-js messages, typed loosely at this one boundary -------------------------------
interface PbCodec {
  create(fields: object): object;
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): PbObject;
}
// Decoded pb-js messages: plain objects whose shape the tests know.
type PbObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as {
  flyteidl: { admin: Record<string, PbCodec>; core: Record<string, PbCodec> & { ResourceType: Record<string, number>; SimpleType: Record<string, number> } };
};
const { admin, core } = flyteidl;

const PROJECT = "flytesnacks";
const DOMAIN = "development";
const VERSION = "v1";

/** A gRPC status error as grpc-js reports it. */
interface StatusError extends Error {
  code: number;
  details: string;
}

/** Calls `AdminService/<method>` with raw request bytes; resolves with the decoded response. */
function call(client: grpc.Client, method: string, request: Uint8Array, response: PbCodec | undefined): Promise<PbObject> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/flyteidl.service.AdminService/${method}`,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => (response === undefined ? {} : response.decode(bytes)),
      request,
      (err: grpc.ServiceError | null, value?: PbObject) => (err !== null ? reject(err) : resolve(value ?? {})),
    );
  });
}

/** Expects the call to fail with `code`; returns the error's details. */
async function callFails(client: grpc.Client, method: string, request: Uint8Array, code: grpc.status): Promise<string> {
  const err = await call(client, method, request, undefined).then(
    () => assert.fail(`${method} succeeded, expected status ${grpc.status[code]}`),
    (e: unknown) => e as StatusError,
  );
  assert.equal(err.code, code, `${method}: expected ${grpc.status[code]}, got ${grpc.status[err.code]}: ${err.details}`);
  return err.details;
}

function identifier(resourceType: string, name: string, version = VERSION): object {
  return core["Identifier"]!.create({ resourceType: core.ResourceType[resourceType], project: PROJECT, domain: DOMAIN, name, version });
}

function pb(codec: string, fields: object): Uint8Array {
  const c = admin[codec]!;
  return c.encode(c.create(fields)).finish();
}

describe("server over gRPC (Flyte's generated client)", () => {
  let dataDir: string;
  let server: ServerProcess;
  let client: grpc.Client;
  let specs: ExampleSpecs;

  // Our serializer's output, re-read by Flyte's own code: these are the messages a Flyte client sends.
  const taskSpec = (i: number): PbObject => admin["TaskSpec"]!.decode(toBinary(TaskSpecSchema, specs.tasks[i]!));
  const workflowSpec = (): PbObject => admin["WorkflowSpec"]!.decode(toBinary(WorkflowSpecSchema, specs.workflow));
  const launchPlanSpec = (): PbObject => admin["LaunchPlanSpec"]!.decode(toBinary(LaunchPlanSpecSchema, specs.launchPlan.spec!));
  const taskName = (i: number): string => specs.tasks[i]!.template!.id!.name;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-server-grpc-"));
    specs = await exampleSpecs(PROJECT, DOMAIN, VERSION);
    server = await startServerProcess(dataDir);
    client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("healthz answers 200 once the server is up", async () => {
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
  });

  test("tasks, the workflow and its launch plan register, and the workflow comes back compiled", async () => {
    for (let i = 0; i < specs.tasks.length; i++) {
      await call(client, "CreateTask", pb("TaskCreateRequest", { id: identifier("TASK", taskName(i)), spec: taskSpec(i) }), admin["TaskCreateResponse"]);
    }
    await call(client, "CreateWorkflow", pb("WorkflowCreateRequest", { id: identifier("WORKFLOW", "my_wf"), spec: workflowSpec() }), admin["WorkflowCreateResponse"]);
    await call(client, "CreateLaunchPlan", pb("LaunchPlanCreateRequest", { id: identifier("LAUNCH_PLAN", "my_wf"), spec: launchPlanSpec() }), admin["LaunchPlanCreateResponse"]);

    const wf = await call(client, "GetWorkflow", pb("ObjectGetRequest", { id: identifier("WORKFLOW", "my_wf") }), admin["Workflow"]);
    assert.equal(wf["id"].name, "my_wf");
    const primary = wf["closure"].compiledWorkflow.primary;
    const nodeIds = primary.template.nodes.map((n: PbObject) => n["id"] as string).sort();
    assert.ok(nodeIds.includes("start-node") && nodeIds.includes("end-node"), `compiled nodes: ${nodeIds.join(", ")}`);
    assert.equal(wf["closure"].compiledWorkflow.tasks.length, specs.tasks.length);
    assert.ok(Number(wf["closure"].createdAt.seconds) > 0);

    const lp = await call(client, "GetLaunchPlan", pb("ObjectGetRequest", { id: identifier("LAUNCH_PLAN", "my_wf") }), admin["LaunchPlan"]);
    assert.deepEqual(Object.keys(lp["closure"].expectedInputs.parameters).sort(), ["a", "b"]);
    assert.equal(lp["closure"].state ?? 0, 0, "a new launch plan is INACTIVE");
  });

  test("registering the same spec again is accepted", async () => {
    await call(client, "CreateTask", pb("TaskCreateRequest", { id: identifier("TASK", taskName(0)), spec: taskSpec(0) }), admin["TaskCreateResponse"]);
    await call(client, "CreateWorkflow", pb("WorkflowCreateRequest", { id: identifier("WORKFLOW", "my_wf"), spec: workflowSpec() }), admin["WorkflowCreateResponse"]);
  });

  test("a different spec under a registered id is ALREADY_EXISTS naming the id", async () => {
    const changed = taskSpec(0);
    changed["template"].config = { changed: "yes" };
    const details = await callFails(client, "CreateTask", pb("TaskCreateRequest", { id: identifier("TASK", taskName(0)), spec: changed }), grpc.status.ALREADY_EXISTS);
    assert.match(details, new RegExp(`task '${PROJECT}/${DOMAIN}/${taskName(0)}@${VERSION}'.*different spec.*new version`));
  });

  test("an invalid workflow is INVALID_ARGUMENT listing every compile diagnostic", async () => {
    const bad = workflowSpec();
    bad["template"].id = identifier("WORKFLOW", "my_wf", "bad");
    // Problem 1: a task that was never registered (t2's node; o1 comes from it).
    const taskNode = bad["template"].nodes.find((n: PbObject) => n["taskNode"]?.referenceId?.name === "t2");
    taskNode.taskNode.referenceId.version = "never-registered";
    // Problem 2: t1's integer bound to a string output.
    bad["template"].interface.outputs.variables.o0.type = core["LiteralType"]!.create({ simple: core.SimpleType["STRING"] });
    const details = await callFails(client, "CreateWorkflow", pb("WorkflowCreateRequest", { id: identifier("WORKFLOW", "my_wf", "bad"), spec: bad }), grpc.status.INVALID_ARGUMENT);
    assert.match(details, /my_wf@bad' failed to compile \(2 problems\)/);
    assert.match(details, /E_TASK_NOT_FOUND/);
    assert.match(details, /E_MISMATCHING_TYPES/);
    await callFails(client, "GetWorkflow", pb("ObjectGetRequest", { id: identifier("WORKFLOW", "my_wf", "bad") }), grpc.status.NOT_FOUND);
  });

  test("a launch plan with an unknown fixed input is INVALID_ARGUMENT", async () => {
    const lp = launchPlanSpec();
    lp["fixedInputs"] = core["LiteralMap"]!.create({ literals: { nope: core["Literal"]!.create({ scalar: { primitive: { integer: 1 } } }) } });
    const details = await callFails(client, "CreateLaunchPlan", pb("LaunchPlanCreateRequest", { id: identifier("LAUNCH_PLAN", "lp_bad"), spec: lp }), grpc.status.INVALID_ARGUMENT);
    assert.match(details, /unexpected fixed_input nope/);
  });

  test("an unknown id is NOT_FOUND naming the id", async () => {
    const details = await callFails(client, "GetTask", pb("ObjectGetRequest", { id: identifier("TASK", "no_such_task") }), grpc.status.NOT_FOUND);
    assert.match(details, /task 'flytesnacks\/development\/no_such_task@v1' is not registered/);
  });

  test("GetExecution (served on its direct path) of an unknown execution is NOT_FOUND naming it; malformed, INVALID_ARGUMENT", async () => {
    const id = core["WorkflowExecutionIdentifier"]!.create({ project: PROJECT, domain: DOMAIN, name: "no-such-run" });
    const details = await callFails(client, "GetExecution", pb("WorkflowExecutionGetRequest", { id }), grpc.status.NOT_FOUND);
    assert.equal(details, "GetExecution: execution 'flytesnacks/development/no-such-run' does not exist; list executions with ListExecutions");
    await callFails(client, "GetExecution", Uint8Array.from([0xff, 0xff, 0xff, 0xff]), grpc.status.INVALID_ARGUMENT);
  });

  test("CreateExecution and ListExecutions (served on their direct path) create and list; errors keep their codes and text", async () => {
    // Registered here too (idempotent): the test does not rely on the registration test before it.
    for (let i = 0; i < specs.tasks.length; i++) {
      await call(client, "CreateTask", pb("TaskCreateRequest", { id: identifier("TASK", taskName(i)), spec: taskSpec(i) }), admin["TaskCreateResponse"]);
    }
    await call(client, "CreateWorkflow", pb("WorkflowCreateRequest", { id: identifier("WORKFLOW", "my_wf"), spec: workflowSpec() }), admin["WorkflowCreateResponse"]);
    await call(client, "CreateLaunchPlan", pb("LaunchPlanCreateRequest", { id: identifier("LAUNCH_PLAN", "my_wf"), spec: launchPlanSpec() }), admin["LaunchPlanCreateResponse"]);
    const literal = (scalar: object): object => core["Literal"]!.create({ scalar });
    const inputs = { literals: { a: literal({ primitive: { integer: 3 } }), b: literal({ primitive: { stringValue: "x" } }) } };
    const createRequest = (name: string, lp = "my_wf"): Uint8Array =>
      pb("ExecutionCreateRequest", { project: PROJECT, domain: DOMAIN, name, spec: { launchPlan: identifier("LAUNCH_PLAN", lp) }, inputs });

    const created = await call(client, "CreateExecution", createRequest("direct-1"), admin["ExecutionCreateResponse"]);
    assert.deepEqual([created["id"].project, created["id"].domain, created["id"].name], [PROJECT, DOMAIN, "direct-1"]);
    const listRequest = pb("ResourceListRequest", { id: admin["NamedEntityIdentifier"]!.create({ project: PROJECT, domain: DOMAIN }), limit: 100, filters: "eq(launch_plan.name,my_wf)" });
    const list = await call(client, "ListExecutions", listRequest, admin["ExecutionList"]);
    assert.ok(list["executions"].some((e: PbObject) => e["id"].name === "direct-1"), "the new execution is listed");
    assert.equal(list["executions"][0].spec.launchPlan.name, "my_wf");

    const taken = await callFails(client, "CreateExecution", createRequest("direct-1"), grpc.status.ALREADY_EXISTS);
    assert.match(taken, /direct-1/);
    const missing = await callFails(client, "CreateExecution", createRequest("direct-2", "no_such_lp"), grpc.status.NOT_FOUND);
    assert.match(missing, /no_such_lp/);
    await callFails(client, "ListExecutions", pb("ResourceListRequest", { id: admin["NamedEntityIdentifier"]!.create({ project: PROJECT, domain: DOMAIN }), filters: "nonsense(" }), grpc.status.INVALID_ARGUMENT);
    await callFails(client, "CreateExecution", Uint8Array.from([0xff, 0xff, 0xff, 0xff]), grpc.status.INVALID_ARGUMENT);
  });

  test("malformed protobuf is INVALID_ARGUMENT and the server keeps serving", async () => {
    await callFails(client, "CreateTask", Uint8Array.from([0xff, 0xff, 0xff, 0xff]), grpc.status.INVALID_ARGUMENT);
    const version = await call(client, "GetVersion", pb("GetVersionRequest", {}), admin["GetVersionResponse"]);
    assert.ok(version["controlPlaneVersion"].Version !== "");
  });

  test("a request over the 64 MiB message limit is RESOURCE_EXHAUSTED and the server keeps serving", async () => {
    const huge = new Uint8Array(65 * 1024 * 1024);
    await callFails(client, "CreateTask", huge, grpc.status.RESOURCE_EXHAUSTED);
    await call(client, "GetDomains", pb("GetDomainRequest", {}), admin["GetDomainsResponse"]);
  });

  test("lists page with an offset token and name lists hold each name once", async () => {
    const listRequest = (token: string): Uint8Array =>
      pb("ResourceListRequest", { id: admin["NamedEntityIdentifier"]!.create({ project: PROJECT, domain: DOMAIN }), limit: 1, token });
    const first = await call(client, "ListTasks", listRequest(""), admin["TaskList"]);
    assert.equal(first["tasks"].length, 1);
    assert.equal(first["token"], "1");
    const second = await call(client, "ListTasks", listRequest(first["token"]), admin["TaskList"]);
    assert.notEqual(second["tasks"][0].id.name, first["tasks"][0].id.name);
    const ids = await call(client, "ListWorkflowIds", pb("NamedEntityIdentifierListRequest", { project: PROJECT, domain: DOMAIN, limit: 10 }), admin["NamedEntityIdentifierList"]);
    assert.deepEqual(ids["entities"].map((e: PbObject) => String(e["name"])), ["my_wf"]);
  });

  test("registered entities survive a restart on the same data dir", async () => {
    client.close();
    assert.equal(await server.stop(), 0, `flyte start did not exit cleanly: ${server.stderr()}`);
    server = await startServerProcess(dataDir);
    client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const wf = await call(client, "GetWorkflow", pb("ObjectGetRequest", { id: identifier("WORKFLOW", "my_wf") }), admin["Workflow"]);
    assert.equal(wf["closure"].compiledWorkflow.tasks.length, specs.tasks.length);
    await call(client, "GetTask", pb("ObjectGetRequest", { id: identifier("TASK", taskName(1)) }), admin["Task"]);
  });
});
