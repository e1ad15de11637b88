/**
 * An execution as the API shows it (`admin.Execution`): the engine's record for phase, timings
 * and result, and the spec the server recorded — or, for a child execution a launch-plan node
 * started, a spec derived from its parent (mode CHILD_WORKFLOW, the node's launch plan).
 */
import { create } from "@bufbuild/protobuf";
import type { ExecutionRecord } from "@flyte/engine/store";
import {
  AbortMetadataSchema,
  ExecutionClosureSchema,
  ExecutionMetadataSchema,
  ExecutionMetadata_ExecutionMode,
  ExecutionSchema,
  ExecutionSpecSchema,
  type Execution,
  type ExecutionClosure,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { allNodes } from "../api/workflow-references.ts";
import { parseExecutionKey } from "../store/execution-key.ts";
import type { ExecutionSummary } from "../store/state-types.ts";
import { coreErrorOf, durationOf, nodeExecutionIdOf, timestampOf, workflowExecutionIdOf, workflowPhaseOf } from "./admin-messages.ts";
import type { ExecutionSpecView } from "./execution-records.ts";
import type { ExecutionsContext } from "./executions-context.ts";

/** The spec (and abort cause) of an execution: recorded, or derived from its parent. */
export type { ExecutionSpecView };

/**
 * The recorded spec of a root execution, or the derived spec of a child (whose workflow id comes
 * from `closure`, called only then: decoding a closure is costly); undefined for unknown ids.
 */
export async function specViewOf(ctx: ExecutionsContext, executionId: string, closure?: () => CompiledWorkflowClosure): Promise<ExecutionSpecView | undefined> {
  // Without decoding the closure: listing 50 executions, or showing a 5,000-node one, stays cheap.
  const recorded = ctx.specs.view(executionId);
  if (recorded !== undefined) return recorded;
  // A child of a launch-plan node is `<parent>-<node id>`: find the longest known parent.
  const { project, domain, name } = parseExecutionKey(executionId);
  for (let cut = name.lastIndexOf("-"); cut > 0; cut = name.lastIndexOf("-", cut - 1)) {
    const parentId = `${project}:${domain}:${name.slice(0, cut)}`;
    const parent = ctx.specs.get(parentId)?.closure ?? (await ctx.store.getExecution(parentId))?.closure;
    if (parent === undefined) continue;
    const nodeId = name.slice(cut + 1);
    const launchPlan = launchPlanOfNode(parent, nodeId);
    const parentSpec = await specViewOf(ctx, parentId, () => parent);
    const spec = create(ExecutionSpecSchema, {
      ...(launchPlan === undefined ? {} : { launchPlan }),
      metadata: create(ExecutionMetadataSchema, {
        mode: ExecutionMetadata_ExecutionMode.CHILD_WORKFLOW,
        nesting: (parentSpec?.spec.metadata?.nesting ?? 0) + 1,
        parentNodeExecution: nodeExecutionIdOf(parentId, nodeId),
      }),
    });
    const workflowId = closure?.().primary?.template?.id;
    return { spec, ...(workflowId === undefined ? {} : { workflowId }) };
  }
  return undefined;
}

/** The launch plan a node (by id, or by its last segment for nested ids) launches. */
function launchPlanOfNode(closure: CompiledWorkflowClosure, nodeId: string): Identifier | undefined {
  const templates = [closure.primary?.template, ...closure.subWorkflows.map((w) => w.template)];
  const tail = nodeId.split("-").at(-1);
  let fallback: Node | undefined;
  for (const template of templates) {
    for (const node of allNodes(template?.nodes ?? [])) {
      if (node.target.case !== "workflowNode" || node.target.value.reference.case !== "launchplanRef") continue;
      if (node.id === nodeId) return lpId(node);
      if (node.id === tail) fallback ??= node;
    }
  }
  return fallback === undefined ? undefined : lpId(fallback);
}

function lpId(node: Node): Identifier | undefined {
  if (node.target.case !== "workflowNode" || node.target.value.reference.case !== "launchplanRef") return undefined;
  return create(IdentifierSchema, { ...node.target.value.reference.value, resourceType: ResourceType.LAUNCH_PLAN });
}

/** The closure part of an execution: phase, timings, and outputs, error or abort cause. */
export function executionClosureOf(
  record: ExecutionSummary | ExecutionRecord,
  view: ExecutionSpecView | undefined,
  now: number,
): ExecutionClosure {
  const closure = create(ExecutionClosureSchema, {
    phase: workflowPhaseOf(record.phase),
    createdAt: timestampOf(record.createdAt),
    updatedAt: timestampOf(record.updatedAt),
    ...(record.startedAt === undefined ? {} : { startedAt: timestampOf(record.startedAt), duration: durationOf(record.startedAt, record.endedAt, now) }),
    ...(view?.workflowId === undefined ? {} : { workflowId: view.workflowId }),
  });
  const outputs = "outputs" in record ? record.outputs : undefined;
  if (record.phase === "SUCCEEDED" && outputs !== undefined) {
    closure.outputResult = { case: "outputData", value: outputs };
  } else if (record.phase === "ABORTED") {
    closure.outputResult = {
      case: "abortMetadata",
      value: create(AbortMetadataSchema, { cause: view?.abortCause ?? record.error?.message ?? "aborted" }),
    };
  } else if (record.error !== undefined && (record.phase === "FAILED" || record.phase === "TIMED_OUT" || record.phase === "FAILING")) {
    closure.outputResult = { case: "error", value: coreErrorOf(record.error) };
  }
  return closure;
}

/** The whole `admin.Execution`. */
export function executionOf(record: ExecutionSummary | ExecutionRecord, view: ExecutionSpecView | undefined, now: number): Execution {
  return create(ExecutionSchema, {
    id: workflowExecutionIdOf(record.executionId),
    spec: view?.spec ?? create(ExecutionSpecSchema),
    closure: executionClosureOf(record, view, now),
  });
}
