/**
 * Workflow nodes. A sub-workflow (`subWorkflowRef`) runs inside the parent's execution: its nodes
 * are scheduled by a {@link SubGraphRun} and reported with ids `<parent node id>-0-<inner id>`
 * (Flyte's `<parent>-<attempt>-<child>`; workflow nodes have one attempt here). Its outputs
 * become the node's outputs; a failure ends the node with the innermost failed node's id. A
 * launch plan (`launchplanRef`) runs as a child execution (launch-plan-node.ts).
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Node, WorkflowNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { ExecutionGraph } from "../execution-graph.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import { prepareLaunchPlanNode } from "./launch-plan-node.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeHandler,
  type NodeRuntime,
  type PrepareContext,
  type PreparedNode,
} from "./node-handler.ts";
import { SubGraphRun } from "./sub-graph-run.ts";

/** Runs workflow nodes: sub-workflows in this execution, launch plans as child executions. */
export const workflowNodeHandler: NodeHandler = {
  prepare(node: Node, context: PrepareContext): PreparedNode {
    const ref = (node.target.value as WorkflowNode).reference;
    switch (ref.case) {
      case "subWorkflowRef": {
        let graph: ExecutionGraph;
        try {
          graph = context.subWorkflowGraph(ref.value);
        } catch (error) {
          if (!(error instanceof NodePreparationError)) throw error;
          // Name the node that runs the sub-workflow, keep the inner reason.
          throw new NodePreparationError(
            nodeError(error.error.code, "SYSTEM", `Workflow node "${node.id}": ${error.error.message}`, error.error.nodeId ?? node.id),
          );
        }
        return new PreparedSubWorkflowNode(graph);
      }
      case "launchplanRef":
        return prepareLaunchPlanNode(node, ref.value, context);
      default:
        throw new NodePreparationError(
          nodeError(engineErrorCodes.invalidClosure, "SYSTEM", `Workflow node "${node.id}" names neither a sub-workflow nor a launch plan.`, node.id),
        );
    }
  },
};

class PreparedSubWorkflowNode implements PreparedNode {
  readonly kind = "workflowNode";
  readonly countsTowardParallelism = false;
  readonly #graph: ExecutionGraph;

  constructor(graph: ExecutionGraph) {
    this.#graph = graph;
  }

  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode {
    const run = new SubGraphRun(this.#graph, runtime, `${runtime.nodeId(index)}-0-`, inputs, {
      succeed: (outputs) => runtime.succeed(index, outputs),
      fail: (error, phase) => runtime.fail(index, error, phase),
    });
    run.start();
    return run;
  }
}
