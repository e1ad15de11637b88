/**
 * The order `flyte serialize` writes workflows and named launch plans in: a launch plan (and the
 * workflow it launches) before every workflow that launches it, as registration needs the
 * launch plan to exist when a workflow referring to it is compiled by the backend.
 */
import { FlyteError } from "../errors.ts";
import { LaunchPlanDefinition } from "../launch-plan.ts";
import type { WorkflowDefinition } from "../workflow.ts";
import { launchPlansOf } from "./launch-plan-refs.ts";

/**
 * `workflows` and `launchPlans` (and the launch plans and workflows they reach), each once, in
 * registration order.
 *
 * @throws FlyteError E_DUPLICATE_NAME when a named launch plan has the name of a workflow (whose
 * default launch plan has that name).
 */
export function registrationOrder(
  workflows: readonly WorkflowDefinition[],
  launchPlans: readonly LaunchPlanDefinition[],
): (WorkflowDefinition | LaunchPlanDefinition)[] {
  const order: (WorkflowDefinition | LaunchPlanDefinition)[] = [];
  const done = new Set<WorkflowDefinition | LaunchPlanDefinition>();
  const named = new Map<string, LaunchPlanDefinition>();
  const addWorkflow = (wf: WorkflowDefinition): void => {
    if (done.has(wf)) return;
    done.add(wf);
    for (const lp of launchPlansOf(wf).values()) addLaunchPlan(lp);
    order.push(wf);
  };
  const addLaunchPlan = (lp: LaunchPlanDefinition): void => {
    if (done.has(lp)) return;
    const other = named.get(lp.name);
    if (other !== undefined && other !== lp) {
      throw new FlyteError("E_DUPLICATE_NAME", `two different launch plans are named '${lp.name}'; give one of them another name.`);
    }
    named.set(lp.name, lp);
    done.add(lp);
    addWorkflow(lp.workflow);
    order.push(lp);
  };
  for (const wf of workflows) addWorkflow(wf);
  for (const lp of launchPlans) addLaunchPlan(lp);
  for (const item of order) {
    if (item instanceof LaunchPlanDefinition) continue;
    const clash = named.get(item.name);
    if (clash !== undefined) {
      throw new FlyteError(
        "E_DUPLICATE_NAME",
        `launch plan '${clash.name}' has the name of workflow '${item.name}', whose default launch plan already uses it; give the launch plan another name.`,
      );
    }
  }
  return order;
}
