/**
 * The workflows that expanded dynamic nodes ran (GetNodeExecutionData's `dynamic_workflow`), so
 * their children are laid out with their edges. Asked once per expanded node that has recorded
 * children: by then its task has returned the workflow, which does not change afterwards.
 */
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { useQueries } from "@tanstack/react-query";
import { admin } from "./clients.ts";

/** Compiled dynamic workflows by node id, for the nodes of `expanded` that ran one. */
export function useDynamicWorkflows(
  execution: { readonly project: string; readonly domain: string; readonly name: string },
  expanded: ReadonlySet<string>,
  nodes: ReadonlyMap<string, NodeExecution>,
): ReadonlyMap<string, CompiledWorkflowClosure> {
  // Only nodes that have children and hold no other execution (a launch plan's) can be dynamic.
  const ids = [...expanded].filter((id) => nodes.get(id)?.metadata?.isParentNode === true && nodes.get(id)?.closure?.targetMetadata.case !== "workflowNodeMetadata").sort();
  return useQueries({
    queries: ids.map((nodeId) => ({
      queryKey: ["dynamicWorkflow", execution.project, execution.domain, execution.name, nodeId],
      queryFn: async (): Promise<Found> => ({ nodeId, closure: (await admin.getNodeExecutionData({ id: { executionId: execution, nodeId } })).dynamicWorkflow?.compiledWorkflow }),
      staleTime: Infinity,
    })),
    combine,
  });
}

/** One answer: the node and its workflow (undefined for a node that ran none). */
interface Found {
  readonly nodeId: string;
  readonly closure: CompiledWorkflowClosure | undefined;
}

/** Module-level, so the map is rebuilt only when an answer changes, not on every render. */
function combine(results: readonly { readonly data?: Found | undefined }[]): ReadonlyMap<string, CompiledWorkflowClosure> {
  const out = new Map<string, CompiledWorkflowClosure>();
  for (const r of results) if (r.data?.closure !== undefined) out.set(r.data.nodeId, r.data.closure);
  return out;
}
