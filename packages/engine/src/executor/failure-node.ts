/**
 * The workflow's failure node (`WorkflowTemplate.failure_node`, flytekit's `on_failure`): a task
 * or sub-workflow that runs once when the workflow fails (FAILED or TIMED_OUT, not ABORTED),
 * after the running nodes were aborted, with the workflow's inputs and — when it declares an
 * input named `err` — the error (`core.Error { failed_node_id, message }`). The execution still
 * ends with the original failure, whatever the failure node does; its events are recorded under
 * its own node id (the SDK uses `fn0`).
 */
import { create } from "@bufbuild/protobuf";
import { LiteralSchema, type Binding, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { ErrorSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { ExecutionError } from "../runtime/errors.ts";
import type { NodeExecutionPhase } from "../runtime/phases.ts";
import { BindingResolutionError } from "./binding-resolution-error.ts";
import { resolveBindings } from "./bindings.ts";
import { engineErrorCodes, nodeError } from "./execution-errors.ts";
import type { ActiveNode, NodeEventDetails, NodeFailurePhase, NodeRuntime, PrepareContext, PreparedNode } from "./nodes/node-handler.ts";
import { prepareNode } from "./nodes/node-handlers.ts";

/** The input of the failure node that receives the error, as in flytekit. */
export const FAILURE_ERROR_INPUT = "err";

/** A failure node prepared with the rest of the graph. */
export interface FailureNodePlan {
  readonly id: string;
  readonly prepared: PreparedNode;
  readonly bindings: readonly Binding[];
  /** The declared type of its `err` input, when it is a task node that declares one. */
  readonly errType: LiteralType | undefined;
}

/**
 * Prepares the template's failure node, if it has one.
 *
 * @throws NodePreparationError when it cannot run (as for any other node).
 */
export function prepareFailureNode(template: WorkflowTemplate, context: PrepareContext): FailureNodePlan | undefined {
  const node = template.failureNode;
  if (node === undefined) return undefined;
  let errType: LiteralType | undefined;
  if (node.target.case === "taskNode" && node.target.value.reference.case === "referenceId") {
    errType = context.findTask(node.target.value.reference.value)?.interface?.inputs?.variables[FAILURE_ERROR_INPUT]?.type;
  }
  return { id: node.id, prepared: prepareNode(node, context), bindings: node.inputs, errType };
}

/**
 * Runs the failure node on the workflow's inputs; calls `done` once it has ended (whatever the
 * outcome). The returned node can be aborted, e.g. when the execution is terminated meanwhile.
 */
export function runFailureNode(
  plan: FailureNodePlan,
  parent: NodeRuntime,
  workflowInputs: LiteralMap,
  failure: ExecutionError,
  done: () => void,
): ActiveNode {
  const run = new FailureNodeRun(plan, parent, done);
  run.start(workflowInputs, failure);
  return run;
}

class FailureNodeRun implements ActiveNode {
  readonly #plan: FailureNodePlan;
  readonly #parent: NodeRuntime;
  readonly #done: () => void;
  readonly #controller = new AbortController();
  #active: ActiveNode | undefined;
  #ended = false;

  constructor(plan: FailureNodePlan, parent: NodeRuntime, done: () => void) {
    this.#plan = plan;
    this.#parent = parent;
    this.#done = done;
  }

  start(workflowInputs: LiteralMap, failure: ExecutionError): void {
    this.#emit("QUEUED");
    let inputs: LiteralMap;
    try {
      inputs = resolveBindings(this.#plan.bindings, (id) => (id === "start-node" || id === "" ? workflowInputs : undefined));
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      this.#end("FAILED", undefined, nodeError(
        engineErrorCodes.bindingResolution,
        "SYSTEM",
        `Could not build the inputs of failure node "${this.#plan.id}": ${error.message}`,
        this.#plan.id,
      ));
      return;
    }
    if (FAILURE_ERROR_INPUT in inputs.literals) {
      inputs.literals[FAILURE_ERROR_INPUT] = errorLiteral(failure, this.#plan.errType);
    }
    this.#emit("RUNNING", inputs);
    this.#active = this.#plan.prepared.start(this.#runtime(), 0, inputs);
  }

  abort(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller.abort(new DOMException("The execution ended.", "AbortError"));
    this.#active?.abort();
    this.#emit("ABORTED");
  }

  /** The parent's runtime, seen from the failure node: its own id, signal and completion. */
  #runtime(): NodeRuntime {
    const overrides: Partial<Record<PropertyKey, unknown>> = {
      signal: this.#controller.signal,
      nodeId: () => this.#plan.id,
      succeed: (_index: number, outputs: LiteralMap, details?: NodeEventDetails) => this.#end("SUCCEEDED", outputs, undefined, details),
      fail: (_index: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails) =>
        this.#end(phase, undefined, error, details),
      skip: () => this.#end("SKIPPED"),
      outputsOf: () => undefined,
    };
    return new Proxy(this.#parent, {
      get(target, property) {
        if (Object.hasOwn(overrides, property)) return overrides[property];
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  #end(phase: NodeExecutionPhase, outputs?: LiteralMap, error?: ExecutionError, details?: NodeEventDetails): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#emit(phase, undefined, outputs, error, details);
    this.#done();
  }

  #emit(phase: NodeExecutionPhase, inputs?: LiteralMap, outputs?: LiteralMap, error?: ExecutionError, details?: NodeEventDetails): void {
    const parent = this.#parent;
    parent.emit({
      kind: "node",
      executionId: parent.executionId,
      nodeId: this.#plan.id,
      phase,
      occurredAt: parent.clock.now(),
      ...(inputs === undefined ? {} : { inputs }),
      ...(outputs === undefined ? {} : { outputs }),
      ...(error === undefined ? {} : { error }),
      ...(details?.cacheStatus === undefined ? {} : { cacheStatus: details.cacheStatus }),
    });
  }
}

/** The error as a literal of the `err` input's type: a plain ERROR, or wrapped in its union. */
export function errorLiteral(failure: ExecutionError, type: LiteralType | undefined): Literal {
  const literal = create(LiteralSchema, {
    value: {
      case: "scalar",
      value: { value: { case: "error", value: create(ErrorSchema, { failedNodeId: failure.nodeId ?? "", message: failure.message }) } },
    },
  });
  if (type?.type.case !== "unionType") return literal;
  const variant = type.type.value.variants.find((v) => v.type.case === "simple" && v.type.value === SimpleType.ERROR);
  if (variant === undefined) return literal;
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value: literal, type: variant } } } } });
}
