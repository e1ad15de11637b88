/**
 * The public face of the type engine: a `TypeTransformer` per schema, which validates values
 * against the full zod schema and converts them to and from Flyte literals.
 */
import { clone } from "@bufbuild/protobuf";
import type { z } from "zod";
import type { Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { type LiteralType, LiteralTypeSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { FlyteError } from "../errors.ts";
import { type Codec, defOf, PathError, UnsupportedSchemaError } from "./codec.ts";
import { compileCodec } from "./compile.ts";
import { describeEntity, describeLocation, invalidValueMessage, type ValuePath } from "./messages.ts";

export type { ValuePath } from "./messages.ts";

/**
 * Converts native values of one schema to and from Flyte literals. Compiled once per schema
 * object and cached, so calling `transformerFor` on every task call is cheap.
 *
 * `literalType` and the literals produced share sub-messages with the cache (e.g. a union
 * literal's variant type): treat them as immutable, and `clone` before mutating.
 */
export interface TypeTransformer {
  /** The Flyte type of the schema (`flyteidl.core.LiteralType`). */
  readonly literalType: LiteralType;
  /**
   * Validates `value` against the schema (refinements included) and converts it.
   * Throws `FlyteError("E_VALUE_TYPE")` naming the entity, side, variable and path in the value.
   */
  toLiteral(value: unknown, path: ValuePath): Literal;
  /**
   * Converts a literal, checking its shape against the type, and validates the result against the
   * schema. Throws `FlyteError("E_VALUE_TYPE")`.
   */
  fromLiteral(literal: Literal, path: ValuePath): unknown;
}

/** Where a schema is declared, for unsupported-type messages. */
export interface SchemaSite {
  readonly entity: string;
  readonly side: "input" | "output";
  readonly variable: string;
}

// Issues carry the offending value so messages can show it.
const PARSE_PARAMS: z.core.ParseContext<z.core.$ZodIssue> = { reportInput: true };

class CompiledTransformer implements TypeTransformer {
  readonly literalType: LiteralType;
  private readonly schema: z.ZodType;
  private readonly codec: Codec;
  private readonly quick: Codec["quickCheck"];

  constructor(schema: z.ZodType, codec: Codec) {
    this.schema = schema;
    this.codec = codec;
    this.literalType = codec.literalType;
    this.quick = codec.quickCheck;
  }

  toLiteral(value: unknown, path: ValuePath): Literal {
    let checked = value;
    if (this.quick === undefined || !this.quick(value)) {
      const r = this.schema.safeParse(value, PARSE_PARAMS);
      if (!r.success) throw new FlyteError("E_VALUE_TYPE", invalidValueMessage(path, r.error.issues, this.schema));
      checked = r.data;
    }
    try {
      return this.codec.encode(checked);
    } catch (e) {
      throw conversionError(e, path);
    }
  }

  fromLiteral(literal: Literal, path: ValuePath): unknown {
    let native: unknown;
    try {
      native = this.codec.decode(literal);
    } catch (e) {
      throw conversionError(e, path);
    }
    if (this.quick !== undefined && this.quick(native)) return native;
    const r = this.schema.safeParse(native, PARSE_PARAMS);
    if (!r.success) throw new FlyteError("E_VALUE_TYPE", invalidValueMessage(path, r.error.issues, this.schema));
    return r.data;
  }
}

function conversionError(e: unknown, path: ValuePath): unknown {
  if (e instanceof PathError) {
    return new FlyteError("E_VALUE_TYPE", `${describeLocation(path, e.steps)}: ${e.detail}`, { cause: e });
  }
  return e;
}

const transformers = new WeakMap<z.ZodType, TypeTransformer>();

/**
 * The transformer of a schema (cached per schema object).
 *
 * @param where - names the declaration in the error raised for unsupported schemas.
 * @throws FlyteError `E_TYPE_UNSUPPORTED` naming the entity, variable and zod type.
 * @example
 * const t = transformerFor(z.array(z.int()), { entity: "t1", side: "input", variable: "xs" });
 * const lit = t.toLiteral([1, 2], { entity: "t1", side: "input", variable: "xs" });
 */
export function transformerFor(schema: z.ZodType, where?: SchemaSite): TypeTransformer {
  const hit = transformers.get(schema);
  if (hit !== undefined) return hit;
  let codec: Codec;
  try {
    codec = compileCodec(schema);
  } catch (e) {
    if (e instanceof UnsupportedSchemaError) throw unsupportedError(e, schema, where);
    throw e;
  }
  const t = new CompiledTransformer(schema, codec);
  transformers.set(schema, t);
  return t;
}

function unsupportedError(e: UnsupportedSchemaError, schema: z.ZodType, where: SchemaSite | undefined): FlyteError {
  const site =
    where === undefined ? `a ${defOf(schema).type} schema` : `${describeEntity(where.entity)} ${where.side} '${where.variable}'`;
  const what =
    e.steps.length > 0 ? `contains zod type '${e.zodType}' at ${e.steps.join("")}` : `has zod type '${e.zodType}'`;
  return new FlyteError("E_TYPE_UNSUPPORTED", `${site} ${what}, which Flyte cannot carry: ${e.hint}`, { cause: e });
}

/**
 * The Flyte type of a schema, as a fresh copy the caller may mutate.
 *
 * @throws FlyteError `E_TYPE_UNSUPPORTED`.
 * @example
 * literalTypeOf(z.int()); // { type: { case: "simple", value: SimpleType.INTEGER } }
 */
export function literalTypeOf(schema: z.ZodType): LiteralType {
  return clone(LiteralTypeSchema, transformerFor(schema).literalType);
}
