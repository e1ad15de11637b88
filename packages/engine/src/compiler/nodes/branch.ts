/**
 * Branch nodes (if / elif / else), accepted structurally: every branch's node is resolved and
 * checked like any other node, and the branch node's outputs are the outputs all branches share.
 * Condition operands are only checked for dangling references, not typed.
 *
 * As in Flyte's compiler, a node inside a branch is known by `<branch id>-<node id>`
 * ({@link branchInnerNodeId}) and its data dependencies stay its own: they are recorded as the
 * inner node's upstream entry of the connections (`env.recordInnerNode`), not added to the branch
 * node's. (The engine still waits for them before it starts the branch node.)
 */
import { create } from "@bufbuild/protobuf";
import { NodeSchema, type BranchNode, type Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { Scope } from "../diagnostics.ts";
import { branchInnerNodeId } from "../identifiers.ts";
import { unresolvedNode } from "./interface.ts";
import type { NodeEnv, ResolvedNode, Variables } from "./types.ts";

interface Arm {
  readonly node: Node;
  readonly scope: Scope;
  readonly resolved: ResolvedNode;
}

/** Resolves a branch node and the nodes of its branches. */
export function compileBranchNode(node: Node, target: BranchNode, scope: Scope, env: NodeEnv): ResolvedNode {
  const label = `node ${node.id} (branch)`;
  const ifElse = target.ifElse;
  if (ifElse === undefined) {
    scope.report("E_MISSING_TARGET", `branch node '${node.id}' has no if/else block.`);
    return unresolvedNode(label);
  }
  const arms: Arm[] = [];
  const addArm = (inner: Node | undefined, segment: string): void => {
    const at = scope.child(segment);
    if (inner === undefined) {
      at.report("E_VALUE_REQUIRED", `the ${segment} branch of node '${node.id}' has no node to run.`);
      return;
    }
    const innerScope = at.child(`node ${inner.id}`);
    // Resolved under its compiled id, so a nested branch prefixes its own inner nodes with it.
    const renamed = create(NodeSchema, { ...inner, id: branchInnerNodeId(node.id, inner.id) });
    arms.push({ node: renamed, scope: innerScope, resolved: env.resolve(renamed, innerScope) });
  };
  if (ifElse.case === undefined) {
    scope.report("E_VALUE_REQUIRED", `branch node '${node.id}' has no 'if' case.`);
  } else {
    addArm(ifElse.case.thenNode, "if");
  }
  ifElse.other.forEach((block, i) => addArm(block.thenNode, `elif ${i}`));
  if (ifElse.default.case === "elseNode") {
    addArm(ifElse.default.value, "else");
  } else if (ifElse.default.case === undefined) {
    scope.report("E_VALUE_REQUIRED", `branch node '${node.id}' has neither an 'else' node nor an 'else' failure.`);
  }

  let outputs: Variables | undefined | null = null;
  return {
    label,
    inputs: undefined,
    inputCheck: "references",
    outputs() {
      if (outputs === null) outputs = sharedOutputs(arms);
      return outputs;
    },
    checkInner() {
      for (const arm of arms) {
        const own = new Set<string>();
        env.checkNode(arm.node, arm.resolved, arm.scope, own);
        env.recordInnerNode(arm.node, arm.scope, own);
      }
    },
  };
}

/** Outputs every branch produces (by name), typed as in the first branch. */
function sharedOutputs(arms: readonly Arm[]): Variables | undefined {
  const first = arms[0];
  if (first === undefined) return {};
  const firstOutputs = first.resolved.outputs();
  if (firstOutputs === undefined) return undefined;
  const shared: Record<string, Variable> = { ...firstOutputs };
  for (const arm of arms.slice(1)) {
    const outs = arm.resolved.outputs();
    if (outs === undefined) return undefined;
    for (const name of Object.keys(shared)) if (outs[name] === undefined) delete shared[name];
  }
  return shared;
}
