/**
 * `z.enum([...])` maps to Flyte's enum type; values travel as strings, as flytekit's enums do.
 */
import { create } from "@bufbuild/protobuf";
import type { z } from "zod";
import { PrimitiveSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { type Codec, defOf, hasChecks, PathError, scalarLiteral, UnsupportedSchemaError } from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";
import { primitiveOf } from "./primitives.ts";

/** A codec for `z.enum([...])` (string values only). */
export function enumCodec(schema: z.ZodType): Codec {
  const values = Object.values(defOf(schema).entries ?? {});
  const strings = values.filter((v): v is string => typeof v === "string");
  if (strings.length !== values.length) {
    throw new UnsupportedSchemaError("enum", "Flyte enums hold strings only; use z.enum([\"a\", \"b\"]) with string values");
  }
  const allowed: ReadonlySet<unknown> = new Set(strings);
  const shown = strings.join(",");
  const check = (v: unknown): v is string => allowed.has(v);
  return {
    schema,
    literalType: create(LiteralTypeSchema, { type: { case: "enumType", value: { values: strings } } }),
    tag: "DefaultEnumTransformer",
    quickCheck: hasChecks(schema) ? undefined : check,
    encode: (v) =>
      scalarLiteral({ case: "primitive", value: create(PrimitiveSchema, { value: { case: "stringValue", value: v as string } }) }),
    decode: (literal) => {
      const p = primitiveOf(literal);
      if (p?.case !== "stringValue") {
        throw new PathError(`expected an enum{${shown}} string literal, got ${describeLiteral(literal)}`);
      }
      if (!allowed.has(p.value)) throw new PathError(`"${p.value}" is not one of enum{${shown}}`);
      return p.value;
    },
    toPlain: (v) => v,
    fromPlain: (plain) => {
      if (check(plain)) return plain;
      throw new PathError(`expected one of enum{${shown}}, got ${describeValue(plain)}`);
    },
  };
}
