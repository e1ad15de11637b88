/**
 * Dispatch from a node's `target` kind to its compiler. Adding a node kind means adding a file in
 * this folder and a case here.
 */
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Scope } from "../diagnostics.ts";
import { compileArrayNode } from "./array.ts";
import { compileBranchNode } from "./branch.ts";
import { compileGateNode } from "./gate.ts";
import { unresolvedNode } from "./interface.ts";
import { compileTaskNode } from "./task.ts";
import { compileWorkflowNode } from "./workflow.ts";
import type { NodeEnv, ResolvedNode } from "./types.ts";

/** Resolves `node` with the compiler for its kind; a node without a target is reported. */
export function resolveNode(node: Node, scope: Scope, env: NodeEnv): ResolvedNode {
  const t = node.target;
  switch (t.case) {
    case "taskNode":
      return compileTaskNode(node, t.value, scope, env);
    case "workflowNode":
      return compileWorkflowNode(node, t.value, scope, env);
    case "branchNode":
      return compileBranchNode(node, t.value, scope, env);
    case "arrayNode":
      return compileArrayNode(node, t.value, scope, env);
    case "gateNode":
      return compileGateNode(node, t.value, scope, env);
    case undefined:
      scope.report("E_MISSING_TARGET", `node '${node.id}' has no target (task, workflow, branch, array or gate).`);
      return unresolvedNode(`node ${node.id}`);
  }
}
