/**
 * Launch-plan nodes: run the launch plan's workflow as a separate child execution on the same
 * engine (as Flyte creates a child execution through flyteadmin), with the launch plan's fixed
 * inputs, its defaults for what the node leaves unbound, and its `maxParallelism`. The child's id
 * is `<parent execution id>-<node id>`; its outputs become the node's outputs. Aborting the node
 * aborts the child.
 */
import { create } from "@bufbuild/protobuf";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { ExecutionError } from "../../runtime/errors.ts";
import { describeThrown, engineErrorCodes, nodeError } from "../execution-errors.ts";
import type { ExecutionResult } from "../execution-result.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type ChildExecutor,
  type LaunchPlanResolver,
  type NodeRuntime,
  type PrepareContext,
  type PreparedNode,
  type ResolvedLaunchPlan,
} from "./node-handler.ts";

/** Codes of launch-plan node failures. */
export const launchPlanErrorCodes = {
  /** The resolver does not know the launch plan (or threw). */
  notFound: "SYSTEM:LaunchPlanNotFound",
  /** The node binds an input the launch plan fixes. */
  fixedInputOverridden: "USER:FixedInputOverridden",
  /** The child execution could not be recorded (store failure). */
  childExecution: "SYSTEM:ChildExecution",
} as const;

/** `project/domain/name@version`, for messages. */
function describeId(id: Identifier): string {
  return `"${id.project}/${id.domain}/${id.name}@${id.version}"`;
}

/**
 * Prepares a node that launches `id`.
 *
 * @throws NodePreparationError when the engine was given no launch plan resolver.
 */
export function prepareLaunchPlanNode(node: Node, id: Identifier, context: PrepareContext): PreparedNode {
  const { launchPlans, executeChild } = context;
  if (launchPlans === undefined || executeChild === undefined) {
    throw new NodePreparationError(
      nodeError(
        engineErrorCodes.unsupportedNode,
        "SYSTEM",
        `Node "${node.id}" launches launch plan ${describeId(id)}, but this engine was given no launch plans (EngineOptions.launchPlans).`,
        node.id,
      ),
    );
  }
  return new PreparedLaunchPlanNode(id, launchPlans, executeChild);
}

class PreparedLaunchPlanNode implements PreparedNode {
  readonly kind = "workflowNode";
  // Flyte counts launch-plan nodes toward the execution's max parallelism.
  readonly countsTowardParallelism = true;
  readonly id: Identifier;
  readonly resolve: LaunchPlanResolver;
  readonly execute: ChildExecutor;

  constructor(id: Identifier, resolve: LaunchPlanResolver, execute: ChildExecutor) {
    this.id = id;
    this.resolve = resolve;
    this.execute = execute;
  }

  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode {
    const run = new LaunchPlanNodeRun(this, runtime, index);
    void run.run(inputs);
    return run;
  }
}

class LaunchPlanNodeRun implements ActiveNode {
  readonly #node: PreparedLaunchPlanNode;
  readonly #runtime: NodeRuntime;
  readonly #index: number;
  readonly #controller = new AbortController();
  readonly #onAbort = (): void => this.#controller.abort(this.#runtime.signal.reason);
  #done = false;

  constructor(node: PreparedLaunchPlanNode, runtime: NodeRuntime, index: number) {
    this.#node = node;
    this.#runtime = runtime;
    this.#index = index;
    runtime.signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  async run(inputs: LiteralMap): Promise<void> {
    const nodeId = this.#runtime.nodeId(this.#index);
    const name = describeId(this.#node.id);
    let plan: ResolvedLaunchPlan | undefined;
    try {
      plan = await this.#node.resolve(this.#node.id);
    } catch (error) {
      this.#fail(nodeError(launchPlanErrorCodes.notFound, "SYSTEM", `Resolving launch plan ${name} failed: ${describeThrown(error)}`, nodeId));
      return;
    }
    if (this.#done) return;
    if (plan === undefined) {
      this.#fail(nodeError(launchPlanErrorCodes.notFound, "SYSTEM", `Launch plan ${name} does not exist; register it before the workflow that launches it.`, nodeId));
      return;
    }
    const fixed = plan.fixedInputs?.literals ?? {};
    const overridden = Object.keys(inputs.literals).filter((input) => input in fixed);
    if (overridden.length > 0) {
      this.#fail(
        nodeError(
          launchPlanErrorCodes.fixedInputOverridden,
          "USER",
          `Launch plan ${name} fixes input${overridden.length > 1 ? "s" : ""} ${overridden.map((i) => `"${i}"`).join(", ")}; the node cannot pass ${overridden.length > 1 ? "them" : "it"}.`,
          nodeId,
        ),
      );
      return;
    }
    const childInputs = create(LiteralMapSchema, {
      literals: { ...(plan.defaultInputs?.literals ?? {}), ...inputs.literals, ...fixed },
    });
    const executionId = `${this.#runtime.executionId}-${nodeId}`;
    let result: ExecutionResult;
    try {
      result = await this.#node.execute({
        executionId,
        closure: plan.closure,
        inputs: childInputs,
        signal: this.#controller.signal,
        maxParallelism: plan.maxParallelism,
      });
    } catch (error) {
      this.#fail(nodeError(launchPlanErrorCodes.childExecution, "SYSTEM", `Child execution "${executionId}" could not run: ${describeThrown(error)}`, nodeId));
      return;
    }
    if (this.#done) return;
    this.#done = true;
    this.#runtime.signal.removeEventListener("abort", this.#onAbort);
    if (result.phase === "SUCCEEDED") {
      this.#runtime.succeed(this.#index, result.outputs);
      return;
    }
    const verb = result.phase === "ABORTED" ? "was aborted" : result.phase === "TIMED_OUT" ? "timed out" : "failed";
    this.#runtime.fail(
      this.#index,
      { ...result.error, nodeId, message: `Child execution "${executionId}" of launch plan ${name} ${verb}: ${result.error.message}` },
      result.phase === "TIMED_OUT" ? "TIMED_OUT" : "FAILED",
    );
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#runtime.signal.removeEventListener("abort", this.#onAbort);
    this.#controller.abort(new DOMException("The launching node was aborted.", "AbortError"));
  }

  #fail(error: ExecutionError): void {
    if (this.#done) return;
    this.#done = true;
    this.#runtime.signal.removeEventListener("abort", this.#onAbort);
    this.#runtime.fail(this.#index, error, "FAILED");
  }
}
