/**
 * The node kinds this engine can run, and the error for those it cannot run yet.
 */
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import {
  NodePreparationError,
  type NodeHandler,
  type NodeKind,
  type PrepareContext,
  type PreparedNode,
} from "./node-handler.ts";
import { taskNodeHandler } from "./task-node.ts";
import { gateNodeHandler } from "./gate-node.ts";
import { arrayNodeHandler } from "./array-node.ts";
import { branchNodeHandler } from "./branch-node.ts";
import { workflowNodeHandler } from "./workflow-node.ts";

/** Handlers by node kind; a kind missing here fails the execution before it starts. */
const handlers: Partial<Record<NodeKind, NodeHandler>> = {
  taskNode: taskNodeHandler,
  gateNode: gateNodeHandler,
  arrayNode: arrayNodeHandler,
  branchNode: branchNodeHandler,
  workflowNode: workflowNodeHandler,
};

/** Human names of node kinds, for messages. */
const kindNames: Record<NodeKind, string> = {
  taskNode: "task node",
  workflowNode: "workflow node (sub-workflow or launch plan)",
  branchNode: "branch node",
  gateNode: "gate node",
  arrayNode: "array node (map task)",
};

/**
 * Prepares a node with the handler for its kind.
 *
 * @throws NodePreparationError for nodes without a kind, of a kind not supported yet, or that the
 * handler rejects.
 */
export function prepareNode(node: Node, context: PrepareContext): PreparedNode {
  const kind = node.target.case;
  if (kind === undefined) {
    throw new NodePreparationError(
      nodeError(engineErrorCodes.invalidClosure, "SYSTEM", `Node "${node.id}" has no target (task, workflow, branch, gate or array).`, node.id),
    );
  }
  const handler = handlers[kind];
  if (handler === undefined) {
    throw new NodePreparationError(
      nodeError(
        engineErrorCodes.unsupportedNode,
        "SYSTEM",
        `Node "${node.id}" is a ${kindNames[kind]}, which this engine cannot run yet; only task nodes are supported.`,
        node.id,
      ),
    );
  }
  return handler.prepare(node, context);
}
