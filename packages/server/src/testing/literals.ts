/** Integer literal helpers for the server's tests. */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** An integer literal. */
export function intLiteral(value: number | bigint): Literal {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } } } },
  });
}

/** A literal map of integers. */
export function intMap(values: Record<string, number | bigint>): LiteralMap {
  return create(LiteralMapSchema, { literals: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, intLiteral(v)])) });
}

/** The integers of a literal map (non-integers throw). */
export function intsOf(map: LiteralMap | undefined): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [name, literal] of Object.entries(map?.literals ?? {})) {
    const scalar = literal.value.case === "scalar" ? literal.value.value.value : undefined;
    const primitive = scalar?.case === "primitive" ? scalar.value.value : undefined;
    if (primitive?.case !== "integer") throw new Error(`input ${name} is not an integer literal`);
    out[name] = primitive.value;
  }
  return out;
}
