/**
 * The engine's side of eager tasks: an {@link EagerController} per eager task node. Each call the
 * eager body awaits becomes child node `<node>-e<k>` (k counts across attempts, so ids never
 * repeat): it is recorded QUEUED → RUNNING → SUCCEEDED/FAILED/ABORTED, and the spec it was given
 * runs inside it as a sub-graph (`<node>-e<k>-n0`, ...). Children still running when the node
 * ends (an attempt that returned without awaiting, a timeout, an abort) are aborted.
 */
import { create } from "@bufbuild/protobuf";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { EagerChildRequest, EagerChildResult, EagerController } from "../../runtime/eager-controller.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { NodeExecutionPhase } from "../../runtime/phases.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import type { GraphOptions } from "../execution-graph.ts";
import { dynamicErrorCodes } from "./dynamic-run.ts";
import { compileJobSpec } from "./job-spec.ts";
import type { NodeRuntime } from "./node-handler.ts";
import { SubGraphRun } from "./sub-graph-run.ts";

interface RunningChild {
  readonly nodeId: string;
  readonly childId: string;
  readonly run: SubGraphRun;
  readonly resolve: (result: EagerChildResult) => void;
}

/** Runs the children of the eager task node at `index` of `runtime`. */
export class NodeEagerController implements EagerController {
  readonly #runtime: NodeRuntime;
  readonly #index: number;
  readonly #owner: Identifier;
  readonly #options: GraphOptions;
  readonly #running = new Set<RunningChild>();
  #count = 0;

  constructor(runtime: NodeRuntime, index: number, owner: Identifier, options: GraphOptions) {
    this.#runtime = runtime;
    this.#index = index;
    this.#owner = owner;
    this.#options = options;
  }

  run(child: EagerChildRequest): Promise<EagerChildResult> {
    const childId = `e${this.#count++}`;
    const nodeId = `${this.#runtime.nodeId(this.#index)}-${childId}`;
    const empty: LiteralMap = { $typeName: "flyteidl.core.LiteralMap", literals: {} };
    this.#emit(nodeId, "QUEUED");
    const iface = create(TypedInterfaceSchema, { inputs: { variables: {} }, ...(child.interface.outputs ? { outputs: child.interface.outputs } : {}) });
    const compiled = compileJobSpec(child.spec, iface, this.#owner, this.#options);
    if (!compiled.ok) {
      const error = nodeError(dynamicErrorCodes.invalidSpec, "USER", `Eager call ${childId}: ${compiled.message}`, nodeId);
      this.#emit(nodeId, "FAILED", { error });
      return Promise.resolve({ ok: false, childId, error });
    }
    const { promise, resolve } = Promise.withResolvers<EagerChildResult>();
    const finish = (result: EagerChildResult, phase: NodeExecutionPhase): void => {
      // Only called from run.start() on: `entry` exists by then.
      this.#running.delete(entry);
      this.#emit(nodeId, phase, result.ok ? { outputs: result.outputs } : { error: result.error });
      resolve(result);
    };
    const run = new SubGraphRun(compiled.graph, this.#runtime, `${nodeId}-`, empty, {
      succeed: (outputs) => finish({ ok: true, childId, outputs }, "SUCCEEDED"),
      fail: (error, phase) => finish({ ok: false, childId, error }, phase),
    });
    const entry: RunningChild = { nodeId, childId, run, resolve };
    this.#running.add(entry);
    this.#emit(nodeId, "RUNNING", { inputs: empty });
    run.start();
    return promise;
  }

  /** Aborts every child still running (the attempt or the node ended). */
  abortRunning(reason: string): void {
    for (const child of [...this.#running]) {
      this.#running.delete(child);
      child.run.abort();
      const error = nodeError(engineErrorCodes.nodeAborted, "SYSTEM", `Eager call "${child.nodeId}" was aborted: ${reason}.`, child.nodeId);
      this.#emit(child.nodeId, "ABORTED", { error });
      child.resolve({ ok: false, childId: child.childId, error });
    }
  }

  #emit(nodeId: string, phase: NodeExecutionPhase, extra: { inputs?: LiteralMap; outputs?: LiteralMap; error?: ExecutionError } = {}): void {
    const runtime = this.#runtime;
    runtime.emit({ kind: "node", executionId: runtime.executionId, nodeId, phase, occurredAt: runtime.clock.now(), ...extra });
  }
}
