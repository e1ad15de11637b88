/**
 * Dynamic workflows: a task attempt returned a `DynamicJobSpec` instead of outputs. The task node
 * compiles it and runs it as its own sub-graph (node phase DYNAMIC_RUNNING), with inner node ids
 * prefixed by the node's id (`n1-dn0`); the node's outputs are the spec's output bindings,
 * resolved when the sub-graph ends. A spec without nodes returns its (constant) outputs at once.
 * Nested dynamics work the same way one level down (`n1-dn0-dn0`).
 */
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { create } from "@bufbuild/protobuf";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { BindingResolutionError } from "../binding-resolution-error.ts";
import { resolveBindings } from "../bindings.ts";
import { nodeError } from "../execution-errors.ts";
import type { GraphOptions } from "../execution-graph.ts";
import { compileJobSpec } from "./job-spec.ts";
import type { ActiveNode, NodeRuntime } from "./node-handler.ts";
import { SubGraphRun, type SubGraphOutcome } from "./sub-graph-run.ts";

/** Codes of dynamic-workflow failures. */
export const dynamicErrorCodes = {
  /** The spec does not compile or cannot run: the body built a graph Flyte rejects. */
  invalidSpec: "USER:DynamicWorkflowInvalid",
  /** The spec's outputs could not be built. */
  outputs: "USER:DynamicWorkflowOutputs",
} as const;

/**
 * Runs `spec` as the sub-graph of the task node at `index`; reports through `outcome`. Returns
 * the running sub-graph (to abort it), or `undefined` when the outcome was reported at once.
 */
export function startDynamicWorkflow(
  runtime: NodeRuntime,
  index: number,
  task: TaskTemplate,
  inputs: LiteralMap,
  spec: DynamicJobSpec,
  options: GraphOptions,
  outcome: SubGraphOutcome,
): ActiveNode | undefined {
  const nodeId = runtime.nodeId(index);
  const taskName = task.id?.name ?? "";
  if (spec.nodes.length === 0) {
    // The body called nothing: its outputs are constants (or the node's own inputs).
    try {
      outcome.succeed(resolveBindings(spec.outputs, (id) => (id === "start-node" ? inputs : undefined)));
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      outcome.fail(nodeError(dynamicErrorCodes.outputs, "USER", `The dynamic workflow's outputs: ${error.message}`, nodeId, taskName), "FAILED");
    }
    return undefined;
  }
  const compiled = compileJobSpec(spec, task.interface ?? create(TypedInterfaceSchema, {}), task.id ?? create(IdentifierSchema, {}), options);
  if (!compiled.ok) {
    outcome.fail(nodeError(dynamicErrorCodes.invalidSpec, "USER", `Dynamic workflow of task "${taskName}": ${compiled.message}`, nodeId, taskName), "FAILED");
    return undefined;
  }
  runtime.emit({ kind: "node", executionId: runtime.executionId, nodeId, phase: "DYNAMIC_RUNNING", occurredAt: runtime.clock.now() });
  const run = new SubGraphRun(compiled.graph, runtime, `${nodeId}-`, inputs, outcome);
  run.start();
  return run;
}
