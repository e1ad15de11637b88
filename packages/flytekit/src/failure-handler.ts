/**
 * `onFailure`: the task or workflow a workflow runs when it fails (flyte-semantics.md §1.4, §4.5).
 *
 * The handler receives the workflow's inputs, by name, and — when it declares an input named
 * `err` of `flyteErrorType()` — the error (`{ failedNodeId, message }`). Checked when the workflow
 * is defined; serialized as `WorkflowTemplate.failureNode` with node id `fn0` (flytekit's id; the
 * id "efn" that Flyte reserves for failure nodes is never produced by this SDK, whose node ids
 * are `n<i>`, `dn<i>` and `fn0`).
 */
import { create, equals } from "@bufbuild/protobuf";
import { BindingDataSchema, BindingSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { OutputReferenceSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { bindingFromLiteral } from "./bind.ts";
import { WorkflowBuilder } from "./builder.ts";
import { definitionOf, type CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import type { Signature } from "./signature.ts";
import { defaultValueOf, describeType, isOptionalInput, literalTypeOf, transformerFor } from "./types/index.ts";

/** The input of a failure handler that receives the error. */
export const ERROR_INPUT = "err";
/** The node id of the failure node in the serialized workflow. */
export const FAILURE_NODE_ID = "fn0";

/**
 * Resolves and checks a workflow's `onFailure` option.
 *
 * @throws FlyteError E_FAILURE_HANDLER_INPUTS when the handler's inputs do not line up with the
 * workflow's, E_INVALID_DEFINITION when it is not a task or workflow.
 */
export function checkFailureHandler(workflowName: string, workflowSig: Signature, handler: unknown): CallableEntity {
  const entity = definitionOf(handler);
  if (entity === undefined || (entity.kind !== "task" && entity.kind !== "workflow")) {
    throw new FlyteError("E_INVALID_DEFINITION", `workflow '${workflowName}': onFailure must be a task or a workflow, e.g. onFailure: cleanup.`);
  }
  const problems: string[] = [];
  for (const name of workflowSig.inputNames) {
    const wanted = literalTypeOf(workflowSig.inputs[name]!);
    const schema = entity.signature.inputs[name];
    if (schema === undefined) problems.push(`input '${name}' is missing`);
    else if (!equals(LiteralTypeSchema, literalTypeOf(schema), wanted)) {
      problems.push(`input '${name}' is ${describeType(literalTypeOf(schema))}, the workflow's is ${describeType(wanted)}`);
    }
  }
  for (const name of entity.signature.inputNames) {
    if (name in workflowSig.inputs) continue;
    const schema = entity.signature.inputs[name]!;
    if (name === ERROR_INPUT) {
      if (!isErrorType(literalTypeOf(schema))) problems.push(`input '${ERROR_INPUT}' must be declared as flyteErrorType() (optionally .optional())`);
    } else if (!isOptionalInput(schema)) {
      problems.push(`input '${name}' is not an input of the workflow, so it must be optional or have a default`);
    }
  }
  if (problems.length > 0) {
    throw new FlyteError(
      "E_FAILURE_HANDLER_INPUTS",
      `workflow '${workflowName}': the failure handler ${entity.kind} '${entity.name}' does not take the workflow's inputs: ${problems.join("; ")}. ` +
        `Give it exactly the workflow's inputs (${workflowSig.inputNames.join(", ") || "none"}), plus optionally ` +
        `'${ERROR_INPUT}: flyteErrorType().optional()' to receive the error.`,
    );
  }
  return entity;
}

function isErrorType(type: LiteralType): boolean {
  const t = type.type;
  if (t.case === "simple") return t.value === SimpleType.ERROR;
  if (t.case === "unionType") return t.value.variants.some(isErrorType);
  return false;
}

const builders = new WeakMap<CallableEntity, WorkflowBuilder>();

/**
 * A one-node builder holding the failure node of `workflow` (id `fn0`), bound to the workflow's
 * inputs; `err` gets a placeholder the engine replaces with the error.
 */
export function failureNodeBuilder(workflow: CallableEntity & { readonly onFailure?: CallableEntity | undefined }): WorkflowBuilder | undefined {
  const handler = workflow.onFailure;
  if (handler === undefined) return undefined;
  const cached = builders.get(workflow);
  if (cached !== undefined) return cached;
  const builder = new WorkflowBuilder(workflow.name, "fn");
  const node = builder.addNode(handler);
  for (const name of handler.signature.inputNames) {
    const schema = handler.signature.inputs[name]!;
    let data;
    if (name in workflow.signature.inputs) {
      data = create(BindingDataSchema, { value: { case: "promise", value: create(OutputReferenceSchema, { nodeId: "start-node", var: name }) } });
    } else {
      const site = { entity: `failure handler '${handler.name}'`, side: "input" as const, variable: name };
      const fallback = defaultValueOf(schema);
      const value = name === ERROR_INPUT && !isOptionalInput(schema) ? { failedNodeId: "", message: "" } : fallback.has ? fallback.value : undefined;
      data = bindingFromLiteral(transformerFor(schema, site).toLiteral(value, site));
    }
    node.bindings.push(create(BindingSchema, { var: name, binding: data }));
  }
  builders.set(workflow, builder);
  return builder;
}
