/**
 * Compiles a zod schema into a `Codec`, once per schema object: the result is cached in a WeakMap,
 * so hot paths never analyse a schema twice and unused schemas can still be collected.
 */
import type { z } from "zod";
import { type Codec, type CompileChild, defOf, UnsupportedSchemaError } from "./codec.ts";
import { dataCodec } from "./blob.ts";
import { arrayCodec, recordCodec } from "./collections.ts";
import { durationCodec, isDurationSchema } from "./duration.ts";
import { enumCodec } from "./enum.ts";
import { errorCodec, isFlyteErrorSchema } from "./error.ts";
import { booleanCodec, dateCodec, literalValueCodec, noneCodec, numberCodec, stringCodec } from "./primitives.ts";
import { objectCodec } from "./struct.ts";
import { unionCodec } from "./union.ts";

/** What to say instead of a bare "unsupported", per zod type. */
const HINTS: Readonly<Record<string, string>> = {
  any: "declare a concrete schema such as z.object({...}) or z.record(z.string(), z.string())",
  unknown: "declare a concrete schema such as z.object({...}) or z.record(z.string(), z.string())",
  bigint: "use z.int() (integers up to 2^53) or carry the digits in z.string()",
  tuple: "use z.object({...}) with named fields, or z.array(T)",
  map: "use z.record(z.string(), T)",
  set: "use z.array(T)",
  pipe: "transforms cannot be mapped to a Flyte type; check values with .refine() and transform them inside the task",
  transform: "transforms cannot be mapped to a Flyte type; check values with .refine() and transform them inside the task",
  lazy: "recursive and lazy schemas are not supported; flatten the structure",
  intersection: "merge the objects into one z.object({...}) (e.g. with .extend())",
  file: "use the SDK's file() type",
  custom: "custom schemas have no Flyte type; use file(), directory() or dataFrame() for data, or a concrete zod schema",
};

const DEFAULT_HINT =
  "supported are z.int(), z.number(), z.string(), z.boolean(), z.date(), duration(), z.enum([...]), z.array(T), " +
  "z.record(z.string(), T), z.object({...}), z.union([...]), file(), directory(), dataFrame(), and .optional() / .nullable() / .default() on them";

const cache = new WeakMap<z.ZodType, Codec>();
/** Schemas being compiled right now: meeting one again means the schema refers to itself. */
const inProgress = new Set<z.ZodType>();

/**
 * The codec of a schema, from the cache or compiled now. Throws `UnsupportedSchemaError` for
 * schemas Flyte cannot carry.
 */
export function compileCodec(schema: z.ZodType): Codec {
  const hit = cache.get(schema);
  if (hit !== undefined) return hit;
  if (inProgress.has(schema)) throw new UnsupportedSchemaError("lazy", "recursive schemas are not supported; flatten the structure");
  inProgress.add(schema);
  try {
    const codec = build(schema);
    cache.set(schema, codec);
    return codec;
  } finally {
    inProgress.delete(schema);
  }
}

const compileChild: CompileChild = (schema, step) => {
  try {
    return compileCodec(schema);
  } catch (e) {
    if (e instanceof UnsupportedSchemaError && step !== "") e.steps.unshift(step);
    throw e;
  }
};

/** The same type as `inner`, validated through the wrapping schema (`.default()`, `.readonly()`). */
function passthrough(schema: z.ZodType, inner: Codec, quickCheck: Codec["quickCheck"]): Codec {
  return {
    schema,
    literalType: inner.literalType,
    tag: inner.tag,
    quickCheck,
    encode: inner.encode,
    decode: inner.decode,
    toPlain: inner.toPlain,
    fromPlain: inner.fromPlain,
  };
}

function build(schema: z.ZodType): Codec {
  const def = defOf(schema);
  switch (def.type) {
    case "number":
      return isDurationSchema(schema) ? durationCodec(schema) : numberCodec(schema);
    case "string":
      return stringCodec(schema);
    case "boolean":
      return booleanCodec(schema);
    case "date":
      return dateCodec(schema);
    case "null":
      return noneCodec(schema, null);
    case "undefined":
    case "void":
      return noneCodec(schema, undefined);
    case "literal":
      return literalValueCodec(schema);
    case "enum":
      return enumCodec(schema);
    case "array":
      return arrayCodec(schema, compileChild);
    case "record":
      return recordCodec(schema, compileChild);
    case "object":
      return isFlyteErrorSchema(schema) ? errorCodec(schema) : objectCodec(schema, compileChild);
    case "optional":
      return unionCodec(schema, [compileChild(inner(schema), "")], { value: undefined });
    case "nullable":
      return unionCodec(schema, [compileChild(inner(schema), "")], { value: null });
    case "union":
      return unionCodec(schema, (def.options ?? []).map((o, i) => compileChild(o, `<variant ${i}>`)));
    case "default":
    case "prefault": {
      const codec = compileChild(inner(schema), "");
      const q = codec.quickCheck;
      // zod substitutes the default only for undefined, so any other value the inner type takes is final.
      return passthrough(schema, codec, q === undefined ? undefined : (v) => v !== undefined && q(v));
    }
    case "readonly":
      return passthrough(schema, compileChild(inner(schema), ""), undefined);
    case "custom": {
      const data = dataCodec(schema, compileChild);
      if (data !== undefined) return data;
      throw new UnsupportedSchemaError(def.type, HINTS[def.type] ?? DEFAULT_HINT);
    }
    default:
      throw new UnsupportedSchemaError(def.type, HINTS[def.type] ?? DEFAULT_HINT);
  }
}

function inner(schema: z.ZodType): z.ZodType {
  const t = defOf(schema).innerType;
  if (t === undefined) throw new UnsupportedSchemaError(defOf(schema).type, DEFAULT_HINT);
  return t;
}
