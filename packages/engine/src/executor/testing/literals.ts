/**
 * Literal helpers for the engine's tests: integers in, integers out.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** An integer literal. */
export function intLiteral(value: number | bigint): Literal {
  return create(LiteralSchema, {
    value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } } } },
  });
}

/** A literal map of integer literals. */
export function intMap(values: Record<string, number | bigint>): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(values)) literals[name] = intLiteral(value);
  return create(LiteralMapSchema, { literals });
}

/** The integer held by a literal; throws for anything else. */
export function intOf(literal: Literal | undefined): bigint {
  const scalar = literal?.value.case === "scalar" ? literal.value.value.value : undefined;
  const primitive = scalar?.case === "primitive" ? scalar.value.value : undefined;
  if (primitive?.case !== "integer") throw new Error(`expected an integer literal, got ${JSON.stringify(literal?.value.case)}`);
  return primitive.value;
}

/** The integers of a literal map, by name. */
export function intsOf(map: LiteralMap): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [name, literal] of Object.entries(map.literals)) out[name] = intOf(literal);
  return out;
}
