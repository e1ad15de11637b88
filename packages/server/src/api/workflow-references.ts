/**
 * What a workflow refers to outside itself: tasks and launch plans, found at any depth (inside
 * branches, array nodes and the failure node), and looked up in the registry for the compiler.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { LaunchPlanClosureSchema, type LaunchPlanClosure } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import type { CompileInput } from "@flyte/engine";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TypedInterfaceSchema, VariableMapSchema, type Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Node, WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { RegistryStore } from "../registry/registry-store.ts";

/** A launch plan as the compiler sees it. */
export type LaunchPlanInterface = NonNullable<CompileInput["launchPlans"]>[number];

/** Every node of `nodes`, including nodes nested in branches and array nodes. */
export function* allNodes(nodes: readonly Node[]): Generator<Node> {
  const stack = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    const target = node.target;
    if (target.case === "branchNode") {
      const ifElse = target.value.ifElse;
      const inner = [ifElse?.case?.thenNode, ...(ifElse?.other ?? []).map((b) => b.thenNode), ifElse?.default.case === "elseNode" ? ifElse.default.value : undefined];
      for (const n of inner.reverse()) if (n !== undefined) stack.push(n);
    } else if (target.case === "arrayNode" && target.value.node !== undefined) {
      stack.push(target.value.node);
    }
  }
}

/** Task and launch-plan ids referenced by `templates` (each once). */
export function referencesOf(templates: readonly WorkflowTemplate[]): { tasks: Identifier[]; launchPlans: Identifier[] } {
  const tasks = new Map<string, Identifier>();
  const launchPlans = new Map<string, Identifier>();
  for (const template of templates) {
    const nodes = template.failureNode === undefined ? template.nodes : [...template.nodes, template.failureNode];
    for (const node of allNodes(nodes)) {
      const t = node.target;
      if (t.case === "taskNode" && t.value.reference.case === "referenceId") {
        const id = t.value.reference.value;
        tasks.set(keyText(id), id);
      } else if (t.case === "workflowNode" && t.value.reference.case === "launchplanRef") {
        const id = t.value.reference.value;
        launchPlans.set(keyText(id), id);
      }
    }
  }
  return { tasks: [...tasks.values()], launchPlans: [...launchPlans.values()] };
}

function keyText(id: Identifier): string {
  return `${id.project}/${id.domain}/${id.name}/${id.version}`;
}

/** The registered templates of `ids`; missing ones are left out for the compiler to report. */
export function registeredTasks(store: RegistryStore, ids: readonly Identifier[]): TaskTemplate[] {
  const found: TaskTemplate[] = [];
  for (const id of ids) {
    const row = store.getEntity("task", id);
    const template = row === undefined ? undefined : fromBinary(TaskSpecSchema, row.spec).template;
    if (template !== undefined) found.push(template);
  }
  return found;
}

/** The interfaces of the registered launch plans of `ids`; missing ones are left out. */
export function registeredLaunchPlans(store: RegistryStore, ids: readonly Identifier[]): LaunchPlanInterface[] {
  const found: LaunchPlanInterface[] = [];
  for (const id of ids) {
    const row = store.getEntity("launchPlan", id);
    if (row === undefined) continue;
    // The compiler matches references by key, so hand it the id exactly as referenced.
    found.push(launchPlanInterfaceOf(id, fromBinary(LaunchPlanClosureSchema, row.closure)));
  }
  return found;
}

/** A launch plan as a callee: its expected inputs and outputs; inputs with defaults may stay unbound. */
export function launchPlanInterfaceOf(id: Identifier, closure: LaunchPlanClosure): LaunchPlanInterface {
  const inputs: Record<string, Variable> = {};
  const defaults: string[] = [];
  for (const [name, param] of Object.entries(closure.expectedInputs?.parameters ?? {})) {
    if (param.var !== undefined) inputs[name] = param.var;
    const required = param.behavior.case === "required" && param.behavior.value;
    if (!required) defaults.push(name);
  }
  return {
    id,
    interface: create(TypedInterfaceSchema, {
      inputs: create(VariableMapSchema, { variables: inputs }),
      outputs: closure.expectedOutputs ?? create(VariableMapSchema),
    }),
    defaultInputs: defaults,
  };
}
