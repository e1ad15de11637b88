/**
 * Finds the launch plans a workflow launches: in its nodes, inside conditionals, in map tasks
 * over launch plans, and in its sub-workflows, at any depth. Local runs resolve them; `flyte
 * serialize` writes them (and their workflows) before the workflows that launch them.
 */
import type { NodeRecord } from "../builder.ts";
import { LaunchPlanDefinition } from "../launch-plan.ts";
import { WorkflowDefinition } from "../workflow.ts";
import { innerNodesOf } from "./branch-node.ts";

/** Launch plans `workflow` launches, by name, in first-use order. */
export function launchPlansOf(workflow: WorkflowDefinition): Map<string, LaunchPlanDefinition> {
  const found = new Map<string, LaunchPlanDefinition>();
  const seen = new Set<WorkflowDefinition>();
  const visit = (wf: WorkflowDefinition): void => {
    if (seen.has(wf)) return;
    seen.add(wf);
    for (const node of wf.trace().builder.nodes) for (const record of [node, ...innerNodesOf(node)]) visitRecord(record);
  };
  const visitRecord = (record: NodeRecord): void => {
    // A map task keeps what it maps in `target`.
    const target: unknown = (record.entity as { readonly target?: unknown }).target ?? record.entity;
    if (target instanceof LaunchPlanDefinition && !found.has(target.name)) found.set(target.name, target);
    if (target instanceof WorkflowDefinition) visit(target);
  };
  visit(workflow);
  return found;
}
