/**
 * Workflow nodes: a sub-workflow (compiled recursively, embedded in the closure) or a launch plan
 * (run as a separate execution; only its interface is needed here).
 */
import type { Node, WorkflowNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Scope } from "../diagnostics.ts";
import { displayName, identifierKey } from "../identifiers.ts";
import { fixedInterfaceNode, unresolvedNode } from "./interface.ts";
import type { NodeEnv, ResolvedNode } from "./types.ts";

/** Resolves a workflow node and compiles the sub-workflow it runs, if any. */
export function compileWorkflowNode(node: Node, target: WorkflowNode, scope: Scope, env: NodeEnv): ResolvedNode {
  const ref = target.reference;
  switch (ref.case) {
    case "subWorkflowRef": {
      const label = `node ${node.id} (workflow ${displayName(ref.value)})`;
      const sub = env.subWorkflow(ref.value);
      if (sub === undefined) {
        scope.report(
          "E_WORKFLOW_NOT_FOUND",
          `node '${node.id}' runs sub-workflow ${identifierKey(ref.value)}, which is not among the sub-workflows given to the compiler.`,
        );
        return unresolvedNode(label);
      }
      env.compileSubWorkflow(sub, scope.child(`workflow ${displayName(sub.id)}`));
      return fixedInterfaceNode(node, label, sub.interface, scope);
    }
    case "launchplanRef": {
      const label = `node ${node.id} (launch plan ${displayName(ref.value)})`;
      const lp = env.launchPlan(ref.value);
      if (lp === undefined) {
        scope.report(
          "E_LAUNCH_PLAN_NOT_FOUND",
          `node '${node.id}' launches ${identifierKey(ref.value)}, which is not among the launch plans given to the compiler.`,
        );
        return unresolvedNode(label);
      }
      const optional = lp.defaultInputs === undefined ? undefined : new Set(lp.defaultInputs);
      return fixedInterfaceNode(node, label, lp.interface, scope, optional);
    }
    case undefined:
      scope.report("E_MISSING_TARGET", `workflow node '${node.id}' names neither a sub-workflow nor a launch plan.`);
      return unresolvedNode(`node ${node.id}`);
  }
}
