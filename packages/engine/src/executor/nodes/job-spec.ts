/**
 * Compiling a `DynamicJobSpec` — what a dynamic task returns, and what an eager task's calls are
 * described as — into a runnable graph. The spec becomes a workflow template whose interface is
 * the task's (inputs are the node's inputs; outputs type the spec's output bindings), compiled by
 * the same compiler as any workflow, so a dynamic graph gets the same type checks.
 */
import { create } from "@bufbuild/protobuf";
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { WorkflowTemplateSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { compileWorkflow, type CompileResult } from "../../compiler/compile.ts";
import { formatDiagnostics } from "../../compiler/diagnostics.ts";
import { buildExecutionGraph, type ExecutionGraph, type GraphOptions } from "../execution-graph.ts";
import { NodePreparationError } from "./node-handler.ts";

/** A compiled spec, or why it cannot run. */
export type CompiledJobSpec =
  | { readonly ok: true; readonly graph: ExecutionGraph }
  | { readonly ok: false; readonly message: string };

/**
 * The compiled workflow of `spec`, named after `owner` (the dynamic or eager task, `<name>.dynamic`)
 * with interface `iface`: what a dynamic node ran, as Flyte reports it in a node's
 * `dynamic_workflow`. Compiling the same spec again gives the same closure.
 */
export function compileJobSpecClosure(spec: DynamicJobSpec, iface: TypedInterface, owner: Identifier): CompileResult {
  const id = create(IdentifierSchema, {
    resourceType: ResourceType.WORKFLOW,
    project: owner.project,
    domain: owner.domain,
    name: `${owner.name}.dynamic`,
    version: owner.version,
  });
  const primary = create(WorkflowTemplateSchema, {
    id,
    interface: iface,
    metadata: {},
    metadataDefaults: {},
    nodes: spec.nodes,
    outputs: spec.outputs,
  });
  return compileWorkflow({ primary, subWorkflows: spec.subworkflows, tasks: spec.tasks });
}

/**
 * Compiles `spec` as a workflow named after `owner` (the dynamic or eager task) with interface
 * `iface`, and prepares its graph with `options`.
 */
export function compileJobSpec(spec: DynamicJobSpec, iface: TypedInterface, owner: Identifier, options: GraphOptions): CompiledJobSpec {
  const result = compileJobSpecClosure(spec, iface, owner);
  if (!result.ok) return { ok: false, message: `the generated workflow does not compile:\n${formatDiagnostics(result.diagnostics)}` };
  try {
    return { ok: true, graph: buildExecutionGraph(result.closure, options) };
  } catch (error) {
    if (error instanceof NodePreparationError) return { ok: false, message: `the generated workflow cannot run: ${error.message}` };
    throw error;
  }
}
