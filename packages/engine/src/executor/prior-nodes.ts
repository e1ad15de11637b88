/**
 * What a resumed or recovering execution reads from the store before it starts: the outputs of
 * nodes that already succeeded, and the result of an execution that already ended.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionRecord, StateStore } from "../store/state-store.ts";
import { engineErrorCodes } from "./execution-errors.ts";
import type { ExecutionResult } from "./execution-result.ts";

/**
 * Outputs of the nodes of `executionId` recorded SUCCEEDED or RECOVERED, by node id (nested ids
 * included; only the ids of the graph being run are looked up). A node without outputs maps to an
 * empty literal map.
 */
export async function succeededOutputs(store: StateStore, executionId: string): Promise<Map<string, LiteralMap>> {
  const outputs = new Map<string, LiteralMap>();
  for (const node of await store.listNodeExecutions(executionId)) {
    if (node.phase !== "SUCCEEDED" && node.phase !== "RECOVERED") continue;
    const literals = node.outputs ?? (await store.getNodeOutputs(executionId, node.nodeId)) ?? create(LiteralMapSchema);
    outputs.set(node.nodeId, literals);
  }
  return outputs;
}

/** The result of an execution the store records as ended; undefined while it runs. */
export function endedResult(record: ExecutionRecord): ExecutionResult | undefined {
  switch (record.phase) {
    case "SUCCEEDED":
      return { phase: "SUCCEEDED", outputs: record.outputs ?? create(LiteralMapSchema) };
    case "FAILED":
    case "ABORTED":
    case "TIMED_OUT":
      return {
        phase: record.phase,
        error: record.error ?? {
          code: engineErrorCodes.invalidClosure,
          kind: "SYSTEM",
          message: `Execution "${record.executionId}" ended ${record.phase} without a recorded error.`,
        },
      };
    default:
      return undefined;
  }
}
