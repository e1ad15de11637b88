import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionError } from "../runtime/errors.ts";

/**
 * How an execution ended. FAILED and TIMED_OUT carry the error of the node that decided it
 * (node id, task name, cause); TIMED_OUT means that node's last attempt ran out of time.
 */
export type ExecutionResult =
  | { readonly phase: "SUCCEEDED"; readonly outputs: LiteralMap }
  | { readonly phase: "FAILED" | "ABORTED" | "TIMED_OUT"; readonly error: ExecutionError };
