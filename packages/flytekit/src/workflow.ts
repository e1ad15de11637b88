/**
 * `workflow()`: a body that runs once, when the workflow is compiled, wiring calls into a graph.
 */
import { create } from "@bufbuild/protobuf";
import { BindingSchema, type Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { bindValue } from "./bind.ts";
import { WorkflowBuilder, withBuilder } from "./builder.ts";
import { callableFor } from "./call.ts";
import { definitionSite, entityPhrase, provisionalName, type CallableEntity, type DefinitionSite, type DynamicOrigin, type EntityLocation } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { rememberDefinition } from "./naming.ts";
import { checkFailureHandler } from "./failure-handler.ts";
import { isHandle } from "./handles.ts";
import { outputsToRecord } from "./outputs.ts";
import { NodePromise } from "./promise.ts";
import { makeSignature, type OutputsOption, type SchemaShape, type Signature } from "./signature.ts";
import type { BodyOutputs, CallInputs, InputPromises, Invocation } from "./typing.ts";

/** How a workflow reacts to a failed node. */
export type FailurePolicy = "FAIL_IMMEDIATELY" | "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE";

/** Options of `workflow()`. */
export interface WorkflowOptions<I extends SchemaShape, O extends OutputsOption> {
  /** @default `<module path>.<export name>`, set when the defining file is loaded */
  readonly name?: string;
  /** @default {} */
  readonly inputs?: I;
  /** @default none */
  readonly outputs?: O;
  /** @default "FAIL_IMMEDIATELY" */
  readonly failurePolicy?: FailurePolicy;
  /**
   * A task or workflow to run when this workflow fails, with the workflow's inputs (and, if it
   * declares `err: flyteErrorType().optional()`, the error). The run still fails. @default none
   */
  readonly onFailure?: unknown;
  /** @default "" */
  readonly docs?: string;
}

/** The workflow's graph, as traced from its body. */
export interface TracedWorkflow {
  readonly builder: WorkflowBuilder;
  readonly outputs: readonly Binding[];
}

/** A workflow as users hold it. */
export interface Workflow<I extends SchemaShape, O extends OutputsOption> {
  (inputs: CallInputs<I>): Invocation<O>;
  /** @internal */
  readonly __kind?: "workflow";
}

/** Workflow body: input promises in, output promises or constants out; synchronous. */
export type WorkflowBody<I extends SchemaShape, O extends OutputsOption> = (inputs: InputPromises<I>) => BodyOutputs<O>;

const START_NODE_ID = "start-node";

/** The definition behind a workflow. */
export class WorkflowDefinition implements CallableEntity {
  readonly kind = "workflow" as const;
  name: string;
  readonly nameIsExplicit: boolean;
  readonly signature: Signature;
  readonly failurePolicy: FailurePolicy;
  /** The failure handler (`onFailure`), checked against the inputs at definition. */
  readonly onFailure: CallableEntity | undefined;
  readonly docs: string;
  location?: EntityLocation;
  readonly definedAt: DefinitionSite | undefined;
  origin?: DynamicOrigin;
  readonly #body: (inputs: Record<string, unknown>) => unknown;
  #traced: TracedWorkflow | undefined;

  constructor(options: WorkflowOptions<SchemaShape, OutputsOption>, body: (inputs: Record<string, unknown>) => unknown) {
    if (typeof body !== "function") {
      throw new FlyteError("E_INVALID_DEFINITION", `workflow(options, body): the second argument must be the workflow's body.`);
    }
    this.nameIsExplicit = options.name !== undefined;
    this.definedAt = definitionSite();
    this.name = options.name ?? provisionalName("workflow", body, this.definedAt);
    this.signature = makeSignature(this.name, "workflow", options.inputs, options.outputs);
    const policy = options.failurePolicy ?? "FAIL_IMMEDIATELY";
    if (policy !== "FAIL_IMMEDIATELY" && policy !== "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE") {
      throw new FlyteError(
        "E_INVALID_DEFINITION",
        `workflow '${this.name}': failurePolicy must be "FAIL_IMMEDIATELY" or "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE", got ${JSON.stringify(policy)}.`,
      );
    }
    this.failurePolicy = policy;
    this.onFailure = options.onFailure === undefined ? undefined : checkFailureHandler(this.name, this.signature, options.onFailure);
    this.docs = options.docs ?? "";
    this.#body = body;
    if (body.constructor.name === "AsyncFunction") throw asyncBodyError(this.name);
    rememberDefinition(this);
  }

  /** Runs the body once (on first use) and returns the traced graph. */
  trace(): TracedWorkflow {
    if (this.#traced !== undefined) return this.#traced;
    const builder = new WorkflowBuilder(this.name);
    const inputs: Record<string, unknown> = {};
    for (const name of this.signature.inputNames) {
      inputs[name] = new NodePromise<unknown>({
        nodeId: START_NODE_ID,
        variable: name,
        schema: this.signature.inputs[name]!,
        label: `input '${name}' of workflow '${this.name}'`,
      });
    }
    const returned = withBuilder(builder, () => this.#body(inputs));
    builder.assertFinished();
    if (typeof (returned as { then?: unknown } | undefined)?.then === "function") throw asyncBodyError(this.name);
    // `({ a }) => t3({ a })` returns the handle of a call without outputs: that is "nothing".
    const record = outputsToRecord(this, this.signature.outputForm === "none" && isHandle(returned) ? undefined : returned);
    const outputs = this.signature.outputNames.map((name) => {
      const label = `output '${name}' of workflow '${this.name}'`;
      if (!(name in record)) {
        throw new FlyteError("E_OUTPUT_BINDING", `${label} is not returned by the body; return it.`);
      }
      const binding = bindValue(record[name], this.signature.outputs[name]!, { entity: entityPhrase(this), side: "output", variable: name, label }, builder, undefined);
      return create(BindingSchema, { var: name, binding });
    });
    this.#traced = { builder, outputs };
    return this.#traced;
  }
}

function asyncBodyError(name: string): FlyteError {
  return new FlyteError(
    "E_ASYNC_WORKFLOW_BODY",
    `workflow '${name}': the body must be synchronous — it runs once to build the graph, and calls return promises, not values. ` +
      `To await real values, use eager() instead of workflow().`,
  );
}

/**
 * Defines a workflow. The body runs once, when the workflow is compiled (first call, run,
 * register or serialize); calls inside it return promises.
 *
 * @example
 * export const my_wf = workflow(
 *   { name: "my_wf", inputs: { a: z.int(), b: z.string() }, outputs: [z.int(), z.string()] },
 *   ({ a, b }) => {
 *     const { t1_int_output: x, c: y } = t1({ a });
 *     return [x, t2({ a: y, b })];
 *   },
 * );
 */
export function workflow<
  const I extends SchemaShape = Record<never, never>,
  const O extends OutputsOption = undefined,
  // A separate `const` parameter for the body's result makes `return [x, d]` a tuple, which
  // is then checked against the declared outputs.
  const R extends BodyOutputs<O> = BodyOutputs<O>,
>(options: WorkflowOptions<I, O>, body: (inputs: InputPromises<I>) => R): Workflow<I, O> {
  const definition = new WorkflowDefinition(
    options,
    body as unknown as (inputs: Record<string, unknown>) => unknown,
  );
  return callableFor(definition) as unknown as Workflow<I, O>;
}
