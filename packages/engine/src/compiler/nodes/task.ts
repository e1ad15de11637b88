/**
 * Task nodes: the target is a task template found by `identifierKey` among the compile input's tasks.
 */
import type { Node, TaskNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Scope } from "../diagnostics.ts";
import { displayName, identifierKey } from "../identifiers.ts";
import { fixedInterfaceNode, unresolvedNode } from "./interface.ts";
import type { NodeEnv, ResolvedNode } from "./types.ts";

/** Resolves a task node against the known task templates. */
export function compileTaskNode(node: Node, target: TaskNode, scope: Scope, env: NodeEnv): ResolvedNode {
  const ref = target.reference;
  if (ref.case !== "referenceId") {
    scope.report("E_MISSING_TARGET", `task node '${node.id}' does not say which task it runs (no reference id).`);
    return unresolvedNode(`node ${node.id}`);
  }
  const label = `node ${node.id} (task ${displayName(ref.value)})`;
  const task = env.task(ref.value);
  if (task === undefined) {
    scope.report(
      "E_TASK_NOT_FOUND",
      `node '${node.id}' runs task ${identifierKey(ref.value)}, which is not among the tasks given to the compiler.`,
    );
    return unresolvedNode(label);
  }
  return fixedInterfaceNode(node, label, task.interface, scope);
}
