/**
 * Registers hand-built tasks, workflows and launch plans for the server's tests through the real
 * AdminService: integer tasks (`inc`, `double`, `add`, `boom`, `flaky`, `slow`, `cached_inc`),
 * a three-node chain, a signal-gated workflow, a workflow calling a launch plan, and the launch
 * plans of each (optionally scheduled).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { LaunchPlanSpecSchema } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { LaunchPlanState, type LaunchPlanMetadataSchema } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { NodeSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { BindingDataSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { intLiteral } from "./literals.ts";

/** Where fixtures are registered. */
export const PROJECT = "flytesnacks";
export const DOMAIN = "development";
export const VERSION = "v1";

const INT = { type: { case: "simple" as const, value: SimpleType.INTEGER } };

/** An id of a registered fixture. */
export function idOf(type: ResourceType, name: string, version = VERSION): Identifier {
  return create(IdentifierSchema, { resourceType: type, project: PROJECT, domain: DOMAIN, name, version });
}

function intVars(names: readonly string[]) {
  return { variables: Object.fromEntries(names.map((n) => [n, { type: INT }])) };
}

function task(name: string, inputs: readonly string[], extra: { retries?: number; cache?: boolean } = {}) {
  return {
    id: idOf(ResourceType.TASK, name),
    spec: {
      template: {
        id: idOf(ResourceType.TASK, name),
        type: "python-task",
        interface: { inputs: intVars(inputs), outputs: intVars(["o0"]) },
        metadata: {
          retries: { retries: extra.retries ?? 0 },
          ...(extra.cache === true ? { discoverable: true, discoveryVersion: "1" } : {}),
        },
        target: { case: "container" as const, value: { image: "node", args: ["flyte-execute", "--additional-distribution", `http://bundles/${name}.tgz`] } },
      },
    },
  };
}

type Bind = MessageInitShape<typeof BindingDataSchema>;
const promise = (nodeId: string, v: string): Bind => ({ value: { case: "promise", value: { nodeId, var: v } } });

function taskNode(id: string, taskName: string, inputs: Record<string, Bind>): MessageInitShape<typeof NodeSchema> {
  return {
    id,
    metadata: { name: taskName },
    inputs: Object.entries(inputs).map(([v, binding]) => ({ var: v, binding })),
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: idOf(ResourceType.TASK, taskName) } } },
  };
}

function workflow(name: string, inputs: readonly string[], nodes: MessageInitShape<typeof NodeSchema>[], output: Bind) {
  return {
    id: idOf(ResourceType.WORKFLOW, name),
    spec: {
      template: {
        id: idOf(ResourceType.WORKFLOW, name),
        interface: { inputs: intVars(inputs), outputs: intVars(["o0"]) },
        nodes,
        outputs: [{ var: "o0", binding: output }],
      },
    },
  };
}

/** Registers everything; launch plans named like their workflows, activated. */
export async function registerFixtures(admin: Client<typeof AdminService>): Promise<void> {
  const tasks = [
    task("inc", ["x"]),
    task("double", ["x"]),
    task("add", ["x", "y"]),
    task("boom", ["x"]),
    task("flaky", ["x"], { retries: 0 }),
    task("slow", ["x"]),
    task("cached_inc", ["x"], { cache: true }),
  ];
  for (const t of tasks) await admin.createTask(t);
  const x = promise("start-node", "x");
  const workflows = [
    // o0 = 2 * (x + 1) + 1
    workflow("chain", ["x"], [
      taskNode("n0", "inc", { x }),
      taskNode("n1", "double", { x: promise("n0", "o0") }),
      taskNode("n2", "inc", { x: promise("n1", "o0") }),
    ], promise("n2", "o0")),
    // n0 = x + 1; n1 = boom(n0) fails
    workflow("failing", ["x"], [taskNode("n0", "inc", { x }), taskNode("n1", "boom", { x: promise("n0", "o0") })], promise("n1", "o0")),
    workflow("flaky_wf", ["x"], [taskNode("n0", "flaky", { x })], promise("n0", "o0")),
    workflow("slow_wf", ["x"], [taskNode("n0", "slow", { x })], promise("n0", "o0")),
    // o0 = 2 * (x + 1), with a slow middle node: the restart test kills the server while it runs.
    workflow("resumable", ["x"], [
      taskNode("n0", "inc", { x }),
      taskNode("n1", "slow", { x: promise("n0", "o0") }),
      taskNode("n2", "double", { x: promise("n1", "o0") }),
    ], promise("n2", "o0")),
    workflow("cached", ["x"], [taskNode("n0", "cached_inc", { x })], promise("n0", "o0")),
    // o0 = x + signal "bump"
    workflow("gated", ["x"], [
      { id: "g", target: { case: "gateNode", value: { condition: { case: "signal", value: { signalId: "bump", type: INT, outputVariableName: "o0" } } } } },
      taskNode("n0", "add", { x, y: promise("g", "o0") }),
    ], promise("n0", "o0")),
  ];
  for (const w of workflows) await admin.createWorkflow(w);
  for (const w of workflows) await createLaunchPlan(admin, w.id.name, w.id.name, {});
  // A workflow whose node runs launch plan "chain" as a child execution: o0 = chain(x) + 1.
  const parent = workflow("parent", ["x"], [
    {
      id: "n0",
      inputs: [{ var: "x", binding: x }],
      target: { case: "workflowNode", value: { reference: { case: "launchplanRef", value: idOf(ResourceType.LAUNCH_PLAN, "chain") } } },
    },
    taskNode("n1", "inc", { x: promise("n0", "o0") }),
  ], promise("n1", "o0"));
  await admin.createWorkflow(parent);
  await createLaunchPlan(admin, "parent", "parent", {});
  // A launch plan with a default and a fixed input.
  await createLaunchPlan(admin, "add_fixed", "", {}, true);
}

/** Registers and activates launch plan `name` of workflow `wf`. */
export async function createLaunchPlan(
  admin: Client<typeof AdminService>,
  name: string,
  wf: string,
  spec: { entityMetadata?: MessageInitShape<typeof LaunchPlanMetadataSchema>; maxParallelism?: number },
  addFixed = false,
): Promise<void> {
  if (addFixed) {
    await admin.createWorkflow(workflow("adder", ["x", "y"], [taskNode("n0", "add", { x: promise("start-node", "x"), y: promise("start-node", "y") })], promise("n0", "o0")));
  }
  const lpSpec: MessageInitShape<typeof LaunchPlanSpecSchema> = addFixed
      ? {
          workflowId: idOf(ResourceType.WORKFLOW, "adder"),
          defaultInputs: { parameters: { x: { var: { type: INT }, behavior: { case: "default", value: intLiteral(10) } } } },
          fixedInputs: { literals: { y: intLiteral(100) } },
        }
      : { ...spec, workflowId: idOf(ResourceType.WORKFLOW, wf) };
  await admin.createLaunchPlan({ id: idOf(ResourceType.LAUNCH_PLAN, name), spec: lpSpec });
  await admin.updateLaunchPlan({ id: idOf(ResourceType.LAUNCH_PLAN, name), state: LaunchPlanState.ACTIVE });
}
