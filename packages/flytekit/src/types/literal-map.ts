/**
 * Whole interfaces at once: an entity's inputs or outputs to and from a `LiteralMap`.
 */
import { create } from "@bufbuild/protobuf";
import type { z } from "zod";
import { type Literal, type LiteralMap, LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { FlyteError } from "../errors.ts";
import { isOptionalInput } from "./defaults.ts";
import { describeType } from "./describe.ts";
import { describeEntity, type ValuePath } from "./messages.ts";
import { transformerFor } from "./transformer.ts";

function unexpectedNames(given: readonly string[], schemas: Readonly<Record<string, z.ZodType>>): string[] {
  return given.filter((k) => !Object.hasOwn(schemas, k));
}

/**
 * Converts named values to a LiteralMap, validating each against its schema. Omitted values are
 * allowed for `.optional()` / `.default()` schemas (the default is applied); names not in
 * `schemas` are an error.
 *
 * @throws FlyteError `E_VALUE_TYPE` (bad, missing or unexpected value), `E_TYPE_UNSUPPORTED`.
 * @example
 * const lm = toLiteralMap({ a: 1 }, { a: z.int() }, "t1", "input");
 */
export function toLiteralMap(
  values: Record<string, unknown>,
  schemas: Readonly<Record<string, z.ZodType>>,
  entity: string,
  side: "input" | "output",
): LiteralMap {
  const extra = unexpectedNames(Object.keys(values), schemas);
  if (extra.length > 0) {
    const known = Object.keys(schemas).map((k) => `'${k}'`).join(", ") || "none";
    throw new FlyteError(
      "E_VALUE_TYPE",
      `${describeEntity(entity)} got unexpected ${side}${extra.length > 1 ? "s" : ""} ${extra.map((k) => `'${k}'`).join(", ")}; its ${side}s are ${known}`,
    );
  }
  const literals: Record<string, Literal> = {};
  for (const variable of Object.keys(schemas)) {
    const schema = schemas[variable] as z.ZodType;
    const t = transformerFor(schema, { entity, side, variable });
    const path: ValuePath = { entity, side, variable };
    if (values[variable] === undefined && !isOptionalInput(schema)) {
      throw new FlyteError(
        "E_VALUE_TYPE",
        `${describeEntity(entity)} ${side} '${variable}' is missing: expected a value of type ${describeType(t.literalType)}`,
      );
    }
    literals[variable] = t.toLiteral(values[variable], path);
  }
  return create(LiteralMapSchema, { literals });
}

/**
 * Converts a LiteralMap to named native values, validating each. A literal missing from the map
 * takes the schema's default, or is left out for `.optional()` schemas; literals not named in
 * `schemas` are ignored.
 *
 * @throws FlyteError `E_VALUE_TYPE` (bad or missing literal), `E_TYPE_UNSUPPORTED`.
 * @example
 * const { a } = fromLiteralMap(lm, { a: z.int() }, "t1", "input");
 */
export function fromLiteralMap(
  map: LiteralMap,
  schemas: Readonly<Record<string, z.ZodType>>,
  entity: string,
  side: "input" | "output",
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const variable of Object.keys(schemas)) {
    const schema = schemas[variable] as z.ZodType;
    const t = transformerFor(schema, { entity, side, variable });
    const literal = Object.hasOwn(map.literals, variable) ? map.literals[variable] : undefined;
    let value: unknown;
    if (literal !== undefined) {
      value = t.fromLiteral(literal, { entity, side, variable });
    } else if (isOptionalInput(schema)) {
      // Let zod apply `.default()`; plain `.optional()` yields undefined.
      const r = schema.safeParse(undefined);
      value = r.success ? r.data : undefined;
    } else {
      throw new FlyteError(
        "E_VALUE_TYPE",
        `${describeEntity(entity)} ${side} '${variable}' is missing from the literal map: expected a value of type ${describeType(t.literalType)}`,
      );
    }
    if (value !== undefined) out[variable] = value;
  }
  return out;
}
