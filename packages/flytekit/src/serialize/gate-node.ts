/**
 * A gate call as a flyteidl `GateNode`: SleepCondition, SignalCondition (output "o0" of the
 * declared type) or ApproveCondition. The gate's timeout is the node's `metadata.timeout`.
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { NodeSchema, type Node, type NodeMetadata } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { GateEntity } from "../gates.ts";
import { transformerFor } from "../types/index.ts";

/** What every node shares: id, metadata, inputs and upstream ids. */
export interface GateNodeBase {
  readonly id: string;
  readonly metadata: NodeMetadata;
  readonly inputs: Binding[];
  readonly upstreamNodeIds: string[];
}

/** The node of a gate; `base` carries id, metadata, inputs and upstream ids. */
export function gateNodeOf(entity: GateEntity, base: GateNodeBase): Node {
  const g = entity.gate;
  const condition =
    g.kind === "sleep"
      ? { case: "sleep" as const, value: { duration: durationFromMs(g.durationMs) } }
      : g.kind === "signal"
        ? {
            case: "signal" as const,
            value: {
              signalId: g.name,
              type: transformerFor(g.schema, { entity: `gate '${g.name}'`, side: "output", variable: "o0" }).literalType,
              outputVariableName: "o0",
            },
          }
        : { case: "approve" as const, value: { signalId: g.name } };
  return create(NodeSchema, { ...base, target: { case: "gateNode", value: { condition } } });
}
