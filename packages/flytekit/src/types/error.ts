/**
 * The error a workflow's failure handler receives (flytekit's `FlyteError` type): which node
 * failed and why. Flyte type ERROR; on the wire a `core.Error { failed_node_id, message }` scalar.
 */
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import type { Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { ErrorSchema, SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { type Codec, PathError, scalarLiteral, simpleType } from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";

/** The native value of {@link flyteErrorType}. */
export interface FlyteErrorValue {
  /** Id of the node that failed, e.g. "n1". */
  readonly failedNodeId: string;
  /** What went wrong, as the engine recorded it. */
  readonly message: string;
}

const errors = z.registry<{ flyteType: "error" }>();

/**
 * The type of the `err` input of a workflow's failure handler (`onFailure`): `{ failedNodeId,
 * message }`. Declare it `.optional()` so the handler can also be called without an error.
 *
 * @example
 * const cleanup = task({ inputs: { name: z.string(), err: flyteErrorType().optional() } }, ({ err }) => {
 *   console.error(`failed at ${err?.failedNodeId}: ${err?.message}`);
 * });
 */
export function flyteErrorType(): z.ZodObject<{ failedNodeId: z.ZodString; message: z.ZodString }> {
  const schema = z.object({ failedNodeId: z.string(), message: z.string() });
  errors.add(schema, { flyteType: "error" });
  return schema;
}

/** Whether a schema was made by `flyteErrorType()`. */
export function isFlyteErrorSchema(schema: z.ZodType): boolean {
  return errors.get(schema)?.flyteType === "error";
}

function encode(value: unknown): Literal {
  const v = value as FlyteErrorValue;
  return scalarLiteral({ case: "error", value: create(ErrorSchema, { failedNodeId: v.failedNodeId, message: v.message }) });
}

function decode(literal: Literal): FlyteErrorValue {
  const v = literal.value;
  if (v.case === "scalar" && v.value.value.case === "error") {
    return { failedNodeId: v.value.value.value.failedNodeId, message: v.value.value.value.message };
  }
  throw new PathError(`expected an ERROR literal, got ${describeLiteral(literal)}`);
}

/** A codec for `flyteErrorType()`. */
export function errorCodec(schema: z.ZodType): Codec {
  return {
    schema,
    literalType: simpleType(SimpleType.ERROR),
    tag: "FlyteError",
    quickCheck: undefined,
    encode,
    decode,
    toPlain: (v) => ({ failed_node_id: (v as FlyteErrorValue).failedNodeId, message: (v as FlyteErrorValue).message }),
    fromPlain: (plain) => {
      const p = plain as { failed_node_id?: unknown; message?: unknown } | null;
      if (typeof p?.failed_node_id === "string" && typeof p.message === "string") return { failedNodeId: p.failed_node_id, message: p.message };
      throw new PathError(`expected an error object, got ${describeValue(plain)}`);
    },
  };
}
