/**
 * Gate nodes (flyte-semantics.md §1.13): pause a workflow.
 *
 * - sleep: succeeds after its duration on the engine's clock (real time locally, fake in tests);
 *   no inputs, no outputs.
 * - signal (`waitForInput`): waits for a value from the engine's {@link SignalSource}; the value
 *   is the node's one output (`outputVariableName`, "o0" from the SDK).
 * - approve: waits for a yes/no; yes passes the gate's inputs through as its outputs, no fails
 *   the node.
 *
 * Signal and approve gates time out after the node's `metadata.timeout` (the SDK always sets one,
 * an hour by default): the node ends TIMED_OUT, which fails the workflow.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { GateNode, Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { SignalUnavailableError } from "../../runtime/signals.ts";
import { durationToMillis } from "../durations.ts";
import { describeThrown, engineErrorCodes, nodeError } from "../execution-errors.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeHandler,
  type NodeRuntime,
  type PreparedNode,
} from "./node-handler.ts";

/** Codes of gate failures. */
export const gateErrorCodes = {
  /** Nobody signalled (or approved) before the gate's timeout. */
  timeout: "USER:GateTimeout",
  /** An approval gate was answered "no". */
  rejected: "USER:GateRejected",
  /** No value can arrive: no signal source, or the source said so. */
  unavailable: "USER:SignalUnavailable",
  /** The signal source failed, or sent a value of the wrong kind. */
  signalError: "SYSTEM:SignalError",
} as const;

const BOOLEAN: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } });

type Condition =
  | { readonly kind: "sleep"; readonly durationMs: number }
  | { readonly kind: "signal"; readonly signalId: string; readonly type: LiteralType; readonly output: string; readonly timeoutMs: number }
  | { readonly kind: "approve"; readonly signalId: string; readonly timeoutMs: number };

/** Runs gate nodes. */
export const gateNodeHandler: NodeHandler = {
  prepare(node: Node): PreparedNode {
    const gate = node.target.value as GateNode;
    const c = gate.condition;
    const timeoutMs = durationToMillis(node.metadata?.timeout);
    switch (c.case) {
      case "sleep":
        return new PreparedGateNode({ kind: "sleep", durationMs: durationToMillis(c.value.duration) });
      case "signal":
        if (c.value.type === undefined || c.value.outputVariableName === "") {
          throw invalid(node, `Signal gate "${node.id}" must declare the signal's type and its output name.`);
        }
        return new PreparedGateNode({ kind: "signal", signalId: c.value.signalId, type: c.value.type, output: c.value.outputVariableName, timeoutMs });
      case "approve":
        return new PreparedGateNode({ kind: "approve", signalId: c.value.signalId, timeoutMs });
      case undefined:
        throw invalid(node, `Gate node "${node.id}" has no condition (sleep, signal or approve).`);
    }
  },
};

function invalid(node: Node, message: string): NodePreparationError {
  return new NodePreparationError(nodeError(engineErrorCodes.invalidClosure, "SYSTEM", message, node.id));
}

class PreparedGateNode implements PreparedNode {
  readonly kind = "gateNode";
  // A waiting gate holds no worker, so it must not use up the execution's parallelism.
  readonly countsTowardParallelism = false;
  readonly condition: Condition;

  constructor(condition: Condition) {
    this.condition = condition;
  }

  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode {
    const gate = new GateExecution(this.condition, runtime, index, inputs);
    gate.begin();
    return gate;
  }
}

class GateExecution implements ActiveNode {
  readonly #condition: Condition;
  readonly #runtime: NodeRuntime;
  readonly #index: number;
  readonly #inputs: LiteralMap;
  readonly #controller = new AbortController();
  #cancelTimer: (() => void) | undefined;
  #done = false;

  constructor(condition: Condition, runtime: NodeRuntime, index: number, inputs: LiteralMap) {
    this.#condition = condition;
    this.#runtime = runtime;
    this.#index = index;
    this.#inputs = inputs;
  }

  begin(): void {
    const c = this.#condition;
    const clock = this.#runtime.clock;
    if (c.kind === "sleep") {
      this.#cancelTimer = clock.setTimer(c.durationMs, () => this.#succeed(create(LiteralMapSchema, {})));
      return;
    }
    const source = this.#runtime.services?.signals;
    const nodeId = this.#runtime.nodeId(this.#index);
    if (source === undefined) {
      // Reported on a microtask, like every other completion.
      queueMicrotask(() =>
        this.#fail(gateErrorCodes.unavailable, `${this.#describe()} cannot receive signals: this engine was given no signal source.`),
      );
      return;
    }
    if (c.timeoutMs > 0) this.#cancelTimer = clock.setTimer(c.timeoutMs, () => this.#onTimeout(c.timeoutMs));
    let pending: Promise<Literal>;
    try {
      pending = source.waitForSignal({
        executionId: this.#runtime.executionId,
        nodeId,
        signalId: c.signalId,
        kind: c.kind,
        type: c.kind === "signal" ? c.type : BOOLEAN,
        ...(c.kind === "approve" ? { inputs: this.#inputs } : {}),
        timeoutMs: c.timeoutMs,
        signal: this.#controller.signal,
      });
    } catch (thrown) {
      pending = Promise.reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
    pending.then(
      (value) => this.#onSignal(value),
      (thrown: unknown) =>
        this.#fail(
          thrown instanceof SignalUnavailableError ? gateErrorCodes.unavailable : gateErrorCodes.signalError,
          `${this.#describe()}: ${describeThrown(thrown)}`,
        ),
    );
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stop();
  }

  #onSignal(value: Literal): void {
    const c = this.#condition;
    if (c.kind === "signal") {
      this.#succeed(create(LiteralMapSchema, { literals: { [c.output]: value } }));
      return;
    }
    const answer = value.value.case === "scalar" && value.value.value.value.case === "primitive"
      ? value.value.value.value.value.value
      : undefined;
    if (answer?.case !== "boolean") {
      this.#fail(gateErrorCodes.signalError, `${this.#describe()} expects a boolean approval, and the signal source sent something else.`);
    } else if (answer.value) {
      this.#succeed(this.#inputs);
    } else {
      this.#fail(gateErrorCodes.rejected, `${this.#describe()} was rejected, so the workflow stops here.`);
    }
  }

  #onTimeout(timeoutMs: number): void {
    if (this.#done) return;
    this.#cancelTimer = undefined;
    this.#done = true;
    this.#stop();
    const nodeId = this.#runtime.nodeId(this.#index);
    this.#runtime.fail(
      this.#index,
      nodeError(gateErrorCodes.timeout, "USER", `${this.#describe()} got no signal within its timeout of ${timeoutMs} ms.`, nodeId),
      "TIMED_OUT",
    );
  }

  #succeed(outputs: LiteralMap): void {
    if (this.#done) return;
    this.#done = true;
    this.#stop();
    this.#runtime.succeed(this.#index, outputs);
  }

  #fail(code: string, message: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#stop();
    this.#runtime.fail(this.#index, nodeError(code, "USER", message, this.#runtime.nodeId(this.#index)), "FAILED");
  }

  #stop(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#controller.abort(new DOMException("The gate stopped waiting.", "AbortError"));
  }

  #describe(): string {
    const c = this.#condition;
    const nodeId = this.#runtime.nodeId(this.#index);
    return c.kind === "approve" ? `Approval gate "${c.signalId}" (node ${nodeId})` : c.kind === "signal" ? `Signal gate "${c.signalId}" (node ${nodeId})` : `Sleep gate (node ${nodeId})`;
  }
}
