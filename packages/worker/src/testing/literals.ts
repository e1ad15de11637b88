/**
 * Integer literal maps for the worker's tests: build inputs and read outputs without the SDK.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** A literal map of integers. */
export function ints(values: Record<string, number | bigint>): LiteralMap {
  const literals = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, { value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "integer" as const, value: BigInt(v) } } } } } }]),
  );
  return create(LiteralMapSchema, { literals });
}

/** The integer output `name` of `outputs`, or undefined when it is missing or not an integer. */
export function intOf(outputs: LiteralMap | undefined, name: string): bigint | undefined {
  const lit = outputs?.literals[name];
  if (lit?.value.case !== "scalar" || lit.value.value.value.case !== "primitive") return undefined;
  const p = lit.value.value.value.value.value;
  return p.case === "integer" ? p.value : undefined;
}
