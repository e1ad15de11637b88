/**
 * Launch plans in local runs: what the compiler needs to type launch-plan nodes, the tasks of the
 * launched workflows (the in-process runner must know them), and the resolver the engine asks
 * when a launch-plan node starts its child execution.
 */
import type { CompileInput, EngineOptions } from "@flyte/engine";
import type { LaunchPlanDefinition } from "../launch-plan.ts";
import { launchPlanDefaults, launchPlanFixed, launchPlanInterfaceOf } from "../serialize/launch-plan.ts";
import { LOCAL_SETTINGS } from "../serialize/settings.ts";
import type { TaskDefinition } from "../task.ts";
import type { WorkflowDefinition } from "../workflow.ts";
import type { LocalPlan } from "./run.ts";

/** Launch plan interfaces for `compileWorkflow`. */
export function launchPlanInputs(launchPlans: ReadonlyMap<string, LaunchPlanDefinition>): NonNullable<CompileInput["launchPlans"]> {
  return [...launchPlans.values()].map((lp) => launchPlanInterfaceOf(lp, LOCAL_SETTINGS));
}

const expanding = new Set<WorkflowDefinition>();

/**
 * Adds the tasks and launch plans of every launched workflow (at any depth) to a plan's own, so
 * one runner and one resolver serve the parent and all its child executions. A workflow that
 * launches itself is visited once.
 */
export function withLaunchedWorkflows(
  tasks: ReadonlyMap<string, TaskDefinition>,
  launchPlans: ReadonlyMap<string, LaunchPlanDefinition>,
  planOf: (workflow: WorkflowDefinition) => LocalPlan,
): { tasks: Map<string, TaskDefinition>; launchPlans: Map<string, LaunchPlanDefinition> } {
  const allTasks = new Map(tasks);
  const allPlans = new Map(launchPlans);
  for (const lp of launchPlans.values()) {
    if (expanding.has(lp.workflow)) continue;
    expanding.add(lp.workflow);
    try {
      const child = planOf(lp.workflow);
      for (const [name, task] of child.tasks) if (!allTasks.has(name)) allTasks.set(name, task);
      for (const [name, plan] of child.launchPlans ?? []) if (!allPlans.has(name)) allPlans.set(name, plan);
    } finally {
      expanding.delete(lp.workflow);
    }
  }
  return { tasks: allTasks, launchPlans: allPlans };
}

/** The engine's resolver over a plan's launch plans (found by name: local ids share project, domain and version). */
export function localLaunchPlanResolver(
  launchPlans: ReadonlyMap<string, LaunchPlanDefinition> | undefined,
  planOf: (workflow: WorkflowDefinition) => LocalPlan,
): NonNullable<EngineOptions["launchPlans"]> {
  return (id) => {
    const lp = launchPlans?.get(id.name);
    if (lp === undefined) return undefined;
    return {
      closure: planOf(lp.workflow).closure,
      defaultInputs: launchPlanDefaults(lp),
      fixedInputs: launchPlanFixed(lp),
      ...(lp.maxParallelism !== undefined ? { maxParallelism: lp.maxParallelism } : {}),
    };
  };
}
