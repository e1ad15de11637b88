/**
 * Registrable specs of loaded entities, in dependency order: every task, then each workflow
 * followed by its default launch plan — the order `flyte serialize` numbers its files in.
 */
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { LaunchPlanSchema, LaunchPlanSpecSchema, type LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema, type TaskSpec } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowSpecSchema, type WorkflowSpec } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { ParameterMapSchema, ParameterSchema, type Parameter } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { CallableEntity } from "../entity.ts";
import { FlyteError } from "../errors.ts";
import { TaskDefinition } from "../task.ts";
import { defaultValueOf, isOptionalInput, transformerFor } from "../types/index.ts";
import { WorkflowDefinition } from "../workflow.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";
import { taskTemplateOf } from "./task-template.ts";
import { workflowBundleOf } from "./workflow-template.ts";
import { LaunchPlanDefinition } from "../launch-plan.ts";
import { launchPlanOf } from "./launch-plan-spec.ts";
import { registrationOrder } from "./registration-order.ts";

/** One registrable spec. `suffix` is pyflyte's file suffix: 1 task, 2 workflow, 3 launch plan. */
export type EntitySpec =
  | { readonly kind: "task"; readonly name: string; readonly suffix: 1; readonly schema: typeof TaskSpecSchema; readonly message: TaskSpec }
  | { readonly kind: "workflow"; readonly name: string; readonly suffix: 2; readonly schema: typeof WorkflowSpecSchema; readonly message: WorkflowSpec }
  | { readonly kind: "launchPlan"; readonly name: string; readonly suffix: 3; readonly schema: typeof LaunchPlanSchema; readonly message: LaunchPlan };

/** A spec with its schema, for generic encoding. */
export function specMessage(spec: EntitySpec): { schema: DescMessage; message: Message } {
  return { schema: spec.schema, message: spec.message };
}

/** Specs of `entities` and of every task and sub-workflow they reference, each once. */
export function specsOf(entities: readonly CallableEntity[], settings: SerializationSettings): EntitySpec[] {
  const tasks = new Map<string, TaskDefinition>();
  const addTask = (task: TaskDefinition): void => {
    const seen = tasks.get(task.name);
    if (seen !== undefined && seen !== task) {
      throw new FlyteError(
        "E_DUPLICATE_NAME",
        `two different tasks are named '${task.name}'${where(seen)}${where(task)}; give one of them another name.`,
      );
    }
    tasks.set(task.name, task);
  };
  const workflows: WorkflowDefinition[] = [];
  const launchPlans: LaunchPlanDefinition[] = [];
  for (const entity of entities) {
    if (entity instanceof TaskDefinition) addTask(entity);
    if (entity instanceof WorkflowDefinition) workflows.push(entity);
    if (entity instanceof LaunchPlanDefinition) launchPlans.push(entity);
  }
  const workflowSpecs: EntitySpec[] = [];
  // Named launch plans (and what they launch) come before the workflows that launch them.
  for (const item of registrationOrder(workflows, launchPlans)) {
    if (item instanceof LaunchPlanDefinition) {
      workflowSpecs.push({ kind: "launchPlan", name: item.name, suffix: 3, schema: LaunchPlanSchema, message: launchPlanOf(item, settings) });
      continue;
    }
    const wf = item;
    const bundle = workflowBundleOf(wf, settings);
    for (const def of bundle.taskDefinitions.values()) addTask(def);
    workflowSpecs.push({
      kind: "workflow",
      name: wf.name,
      suffix: 2,
      schema: WorkflowSpecSchema,
      message: create(WorkflowSpecSchema, { template: bundle.primary, subWorkflows: [...bundle.subWorkflows] }),
    });
    workflowSpecs.push({ kind: "launchPlan", name: wf.name, suffix: 3, schema: LaunchPlanSchema, message: defaultLaunchPlanOf(wf, settings) });
  }
  const taskSpecs: EntitySpec[] = [...tasks.values()].map((t) => ({
    kind: "task",
    name: t.name,
    suffix: 1,
    schema: TaskSpecSchema,
    message: create(TaskSpecSchema, { template: taskTemplateOf(t, settings) }),
  }));
  return [...taskSpecs, ...workflowSpecs];
}

/** The default launch plan of a workflow: same name, the workflow's defaults, no schedule. */
export function defaultLaunchPlanOf(wf: WorkflowDefinition, settings: SerializationSettings): LaunchPlan {
  const iface = typedInterfaceOf(wf.name, wf.signature);
  const parameters: Record<string, Parameter> = {};
  for (const [name, variable] of Object.entries(iface.inputs?.variables ?? {})) {
    const schema = wf.signature.inputs[name]!;
    const fallback = defaultValueOf(schema);
    parameters[name] = create(ParameterSchema, {
      var: variable,
      behavior: fallback.has
        ? { case: "default", value: transformerFor(schema).toLiteral(fallback.value, { entity: wf.name, side: "input", variable: name }) }
        : isOptionalInput(schema)
          ? { case: "default", value: transformerFor(schema).toLiteral(undefined, { entity: wf.name, side: "input", variable: name }) }
          : { case: "required", value: true },
    });
  }
  return create(LaunchPlanSchema, {
    id: identifierOf("launchPlan", wf.name, settings),
    spec: create(LaunchPlanSpecSchema, {
      workflowId: identifierOf("workflow", wf.name, settings),
      defaultInputs: create(ParameterMapSchema, { parameters }),
      fixedInputs: { literals: {} },
    }),
  });
}

function where(task: TaskDefinition): string {
  return task.location !== undefined ? ` (${task.location.module}.${task.location.exportName})` : "";
}
