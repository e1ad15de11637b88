/**
 * How an eager task's body runs other entities as recorded nodes. The engine hands an
 * {@link EagerController} to the runner with each attempt of an eager task; every call the body
 * awaits goes through it and becomes a child node `<node>-e<k>` of the eager node, with its own
 * node and task events, so a server can show and recover them like any other node.
 *
 * A child is described as a small `DynamicJobSpec` (the same shape a dynamic task returns): the
 * node(s) to run with constant bindings, the templates they use, and output bindings. The
 * engine compiles it and runs it as a sub-graph; it never throws for a failing child, it reports.
 */
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import type { TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionError } from "./errors.ts";

/** One call an eager body makes. */
export interface EagerChildRequest {
  /** The child's graph: nodes with constant bindings, the templates they use, output bindings. */
  readonly spec: DynamicJobSpec;
  /** The child's interface: its outputs type the spec's output bindings (inputs are unused). */
  readonly interface: TypedInterface;
}

/** How a child ended. `childId` is the suffix of the child's node id (`e0`, `e1`, ...). */
export type EagerChildResult =
  | { readonly ok: true; readonly childId: string; readonly outputs: LiteralMap }
  | { readonly ok: false; readonly childId: string; readonly error: ExecutionError };

/** Runs the children of one eager node; ids are unique across the node's attempts. */
export interface EagerController {
  run(child: EagerChildRequest): Promise<EagerChildResult>;
}
