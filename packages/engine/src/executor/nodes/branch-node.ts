/**
 * Branch nodes (if / elif / else): evaluate the conditions in order on the node's resolved inputs,
 * run the one node of the first branch whose condition holds (or the else node), and end every
 * node of the other branches SKIPPED. An else branch that is an error fails the node with its
 * message. The branch node's outputs are the outputs of the node that ran.
 *
 * Node ids: inner nodes keep the ids the compiled template gives them (`<branch id>-<node id>`,
 * as the compiler names them), qualified with the prefix of the graph the branch node is in.
 * The inner node's bindings read nodes of that enclosing graph (`NodeRuntime.outputsOf`); the
 * graph makes the branch node wait for every node they read (execution-graph.ts).
 */
import type { BooleanExpression } from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { BranchNode, Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ExecutionEvent } from "../../runtime/events.ts";
import type { NodeExecutionPhase } from "../../runtime/phases.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { TaskRunner } from "../../runtime/task-runner.ts";
import { BindingResolutionError } from "../binding-resolution-error.ts";
import { resolveBindings } from "../bindings.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import { ConditionError, evaluateCondition } from "./branch-condition.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeEventDetails,
  type NodeFailurePhase,
  type NodeHandler,
  type NodeRuntime,
  type PrepareContext,
  type PreparedNode,
  type NodeServices,
} from "./node-handler.ts";

/** Codes of branch failures. */
export const branchErrorCodes = {
  /** The else branch is `.fail(message)` and no condition held (Flyte's UserProvidedError). */
  userProvided: "USER:UserProvidedError",
  /** A condition could not be evaluated (mismatched types, a missing or non-primitive input). */
  malformedBranch: "USER:MalformedBranch",
} as const;

interface Arm {
  readonly condition: BooleanExpression | undefined;
  readonly node: Node;
  readonly prepared: PreparedNode;
}

type ElseArm = { readonly kind: "node"; readonly node: Node; readonly prepared: PreparedNode } | { readonly kind: "error"; readonly message: string };

/** Runs branch nodes. */
export const branchNodeHandler: NodeHandler = {
  prepare(node: Node, context: PrepareContext): PreparedNode {
    const ifElse = (node.target.value as BranchNode).ifElse;
    const invalid = (message: string): NodePreparationError =>
      new NodePreparationError(nodeError(engineErrorCodes.invalidClosure, "SYSTEM", `Branch node "${node.id}" ${message}`, node.id));
    if (ifElse?.case === undefined) throw invalid("has no 'if' block.");
    const arms = [ifElse.case, ...ifElse.other].map((block, i): Arm => {
      if (block.thenNode === undefined) throw invalid(`has no node to run in branch ${i}.`);
      return { condition: block.condition, node: block.thenNode, prepared: context.prepare(block.thenNode) };
    });
    const other = ifElse.default;
    let elseArm: ElseArm;
    if (other.case === "elseNode") elseArm = { kind: "node", node: other.value, prepared: context.prepare(other.value) };
    else if (other.case === "error") elseArm = { kind: "error", message: other.value.message || "Condition failed" };
    else throw invalid("has neither an else node nor an else error.");
    return new PreparedBranchNode(node.id, arms, elseArm);
  },
};

class PreparedBranchNode implements PreparedNode {
  readonly kind = "branchNode";
  readonly countsTowardParallelism = false;
  readonly id: string;
  readonly arms: readonly Arm[];
  readonly elseArm: ElseArm;

  constructor(id: string, arms: readonly Arm[], elseArm: ElseArm) {
    this.id = id;
    this.arms = arms;
    this.elseArm = elseArm;
  }

  /** Local ids of every node inside this branch node, nested branches included. */
  innerIds(): string[] {
    const ids: string[] = [];
    const add = (node: Node, prepared: PreparedNode): void => {
      ids.push(node.id);
      if (prepared instanceof PreparedBranchNode) ids.push(...prepared.innerIds());
    };
    for (const arm of this.arms) add(arm.node, arm.prepared);
    if (this.elseArm.kind === "node") add(this.elseArm.node, this.elseArm.prepared);
    return ids;
  }

  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode {
    const qualified = runtime.nodeId(index);
    const prefix = qualified.endsWith(this.id) ? qualified.slice(0, qualified.length - this.id.length) : "";
    let chosen: { readonly node: Node; readonly prepared: PreparedNode } | undefined;
    try {
      chosen = this.arms.find((arm) => evaluateCondition(arm.condition, inputs));
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      runtime.fail(
        index,
        nodeError(branchErrorCodes.malformedBranch, "USER", `The condition of branch node "${qualified}" cannot be evaluated: ${error.message}`, qualified),
        "FAILED",
      );
      return NOTHING_TO_ABORT;
    }
    if (chosen === undefined && this.elseArm.kind === "node") chosen = this.elseArm;
    this.#skipOthers(runtime, prefix, chosen?.node);
    if (chosen === undefined) {
      runtime.fail(index, nodeError(branchErrorCodes.userProvided, "USER", this.elseArm.kind === "error" ? this.elseArm.message : "", qualified), "FAILED");
      return NOTHING_TO_ABORT;
    }
    const inner = new InnerNodeRun(runtime, index, prefix + chosen.node.id, chosen.node, chosen.prepared);
    inner.start();
    return inner;
  }

  #skipOthers(runtime: NodeRuntime, prefix: string, taken: Node | undefined): void {
    const skipped: string[] = [];
    const add = (node: Node, prepared: PreparedNode): void => {
      if (node === taken) return;
      skipped.push(node.id);
      if (prepared instanceof PreparedBranchNode) skipped.push(...prepared.innerIds());
    };
    for (const arm of this.arms) add(arm.node, arm.prepared);
    if (this.elseArm.kind === "node") add(this.elseArm.node, this.elseArm.prepared);
    const occurredAt = runtime.clock.now();
    for (const id of skipped) {
      runtime.emit({ kind: "node", executionId: runtime.executionId, nodeId: prefix + id, phase: "SKIPPED", occurredAt });
    }
  }
}

const NOTHING_TO_ABORT: ActiveNode = { abort: () => undefined };

/**
 * The one node of the taken branch, run on behalf of the branch node: it sees a runtime whose
 * only node is itself, and its outcome becomes the branch node's.
 */
class InnerNodeRun implements NodeRuntime, ActiveNode {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly services: NodeServices | undefined;
  readonly #parent: NodeRuntime;
  readonly #index: number;
  readonly #id: string;
  readonly #node: Node;
  readonly #prepared: PreparedNode;
  #active: ActiveNode | undefined;
  #done = false;

  constructor(parent: NodeRuntime, index: number, id: string, node: Node, prepared: PreparedNode) {
    this.executionId = parent.executionId;
    this.runner = parent.runner;
    this.clock = parent.clock;
    this.signal = parent.signal;
    this.services = parent.services;
    this.#parent = parent;
    this.#index = index;
    this.#id = id;
    this.#node = node;
    this.#prepared = prepared;
  }

  start(): void {
    let inputs: LiteralMap;
    try {
      inputs = resolveBindings(this.#node.inputs, (nodeId) => this.#parent.outputsOf(nodeId));
    } catch (error) {
      if (!(error instanceof BindingResolutionError)) throw error;
      const failure = nodeError(
        engineErrorCodes.bindingResolution,
        "SYSTEM",
        `Could not build the inputs of node "${this.#id}": ${error.message}`,
        this.#id,
        this.#prepared.taskName,
      );
      this.#done = true;
      this.#emitNode("FAILED", { error: failure });
      this.#parent.fail(this.#index, failure, "FAILED");
      return;
    }
    this.#emitNode("QUEUED", {});
    this.#emitNode("RUNNING", { inputs });
    const active = this.#prepared.start(this, 0, inputs);
    if (!this.#done) this.#active = active;
  }

  nodeId(): string {
    return this.#id;
  }

  emit(event: ExecutionEvent): void {
    this.#parent.emit(event);
  }

  outputsOf(nodeId: string): LiteralMap | undefined {
    return this.#parent.outputsOf(nodeId);
  }

  succeed(_index: number, outputs: LiteralMap, details?: NodeEventDetails): void {
    if (this.#done) return;
    this.#done = true;
    this.#emitNode("SUCCEEDED", { ...details, outputs });
    this.#parent.succeed(this.#index, outputs);
  }

  fail(_index: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails): void {
    if (this.#done) return;
    this.#done = true;
    this.#emitNode(phase, { ...details, error });
    const taskName = this.#prepared.taskName;
    const subject = taskName === undefined ? `Node "${this.#id}"` : `Node "${this.#id}" (task "${taskName}")`;
    this.#parent.fail(this.#index, { ...error, message: `${subject} failed: ${error.message}` }, phase);
  }

  skip(): void {
    if (this.#done) return;
    this.#done = true;
    this.#emitNode("SKIPPED", {});
    this.#parent.skip(this.#index);
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#active?.abort();
    this.#emitNode("ABORTED", {
      error: nodeError(engineErrorCodes.nodeAborted, "SYSTEM", `Node "${this.#id}" was aborted because the execution ended.`, this.#id),
    });
  }

  #emitNode(
    phase: NodeExecutionPhase,
    extra: NodeEventDetails & { readonly inputs?: LiteralMap; readonly outputs?: LiteralMap; readonly error?: ExecutionError },
  ): void {
    this.#parent.emit({ kind: "node", executionId: this.executionId, nodeId: this.#id, phase, occurredAt: this.clock.now(), ...extra });
  }
}
