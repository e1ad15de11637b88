/**
 * Codecs for scalar primitives: INTEGER, FLOAT, STRING, BOOLEAN, DATETIME and NONE, plus
 * `z.literal(...)` which travels as its base primitive.
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { z } from "zod";
import { PrimitiveSchema, VoidSchema, type Literal, type Primitive } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import {
  type Codec,
  defOf,
  hasChecks,
  PathError,
  scalarLiteral,
  simpleType,
  UnsupportedSchemaError,
} from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";

/** The primitive kinds that have a native JS counterpart without wrapping. */
export type PrimitiveKind = "int" | "float" | "string" | "boolean";

/** zod number formats whose values are integers that fit an int64. */
const INT_FORMATS: ReadonlySet<string> = new Set(["safeint", "int32", "uint32"]);

/** The primitive inside a literal, or undefined when the literal is not a primitive scalar. */
export function primitiveOf(literal: Literal): Primitive["value"] | undefined {
  const v = literal.value;
  if (v.case !== "scalar") return undefined;
  const s = v.value.value;
  return s.case === "primitive" ? s.value.value : undefined;
}

function primitiveLiteral(value: Primitive["value"]): Literal {
  return scalarLiteral({ case: "primitive", value: create(PrimitiveSchema, { value }) });
}

/** Whether a `z.number()`-family schema holds integers (`z.int()`, `z.int32()`, `z.number().int()`). */
export function isIntegerSchema(schema: z.ZodType): boolean {
  const def = defOf(schema);
  if (def.format !== undefined && INT_FORMATS.has(def.format)) return true;
  return (def.checks ?? []).some((c) => {
    const d = c._zod.def;
    return d.check === "number_format" && d.format !== undefined && INT_FORMATS.has(d.format);
  });
}

function isSafeNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

function decodeInt(literal: Literal): number {
  const p = primitiveOf(literal);
  if (p?.case === "integer") {
    if (p.value > BigInt(Number.MAX_SAFE_INTEGER) || p.value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new PathError(`integer ${String(p.value)} is outside JavaScript's safe integer range`);
    }
    return Number(p.value);
  }
  // UIs written in JavaScript sometimes send whole numbers as floats; accept them when exact.
  if (p?.case === "floatValue" && Number.isSafeInteger(p.value)) return p.value;
  throw new PathError(`expected an INTEGER literal, got ${describeLiteral(literal)}`);
}

function decodeFloat(literal: Literal): number {
  const p = primitiveOf(literal);
  if (p?.case === "floatValue") return p.value;
  if (p?.case === "integer") return Number(p.value);
  throw new PathError(`expected a FLOAT literal, got ${describeLiteral(literal)}`);
}

function decodeString(literal: Literal): string {
  const p = primitiveOf(literal);
  if (p?.case === "stringValue") return p.value;
  throw new PathError(`expected a STRING literal, got ${describeLiteral(literal)}`);
}

function decodeBoolean(literal: Literal): boolean {
  const p = primitiveOf(literal);
  if (p?.case === "boolean") return p.value;
  throw new PathError(`expected a BOOLEAN literal, got ${describeLiteral(literal)}`);
}

/** A JSON number that must be integral (struct bodies carry numbers without a declared kind). */
function plainInt(plain: unknown): number {
  if (typeof plain === "number" && Number.isSafeInteger(plain)) return plain;
  if (typeof plain === "bigint") {
    throw new PathError(`integer ${String(plain)} is outside JavaScript's safe integer range`);
  }
  throw new PathError(`expected an integer, got ${describeValue(plain)}`);
}

function plainOf<T>(kind: string, test: (v: unknown) => v is T): (plain: unknown) => T {
  return (plain) => {
    if (test(plain)) return plain;
    throw new PathError(`expected ${kind}, got ${describeValue(plain)}`);
  };
}

/** Wraps a float whose value is integral so the msgpack writer still emits a float64. */
export class Float64 {
  /** The number to write as a float64. */
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

const KINDS = {
  int: {
    simple: SimpleType.INTEGER,
    tag: "int",
    quick: (v: unknown) => Number.isSafeInteger(v),
    encode: (v: unknown) => primitiveLiteral({ case: "integer", value: BigInt(v as number) }),
    decode: decodeInt,
    toPlain: (v: unknown) => v,
    fromPlain: plainInt,
  },
  float: {
    simple: SimpleType.FLOAT,
    tag: "float",
    quick: isSafeNumber,
    encode: (v: unknown) => primitiveLiteral({ case: "floatValue", value: v as number }),
    decode: decodeFloat,
    toPlain: (v: unknown) => (Number.isInteger(v) ? new Float64(v as number) : v),
    fromPlain: plainOf("a number", (v): v is number => typeof v === "number"),
  },
  string: {
    simple: SimpleType.STRING,
    tag: "str",
    quick: (v: unknown) => typeof v === "string",
    encode: (v: unknown) => primitiveLiteral({ case: "stringValue", value: v as string }),
    decode: decodeString,
    toPlain: (v: unknown) => v,
    fromPlain: plainOf("a string", (v): v is string => typeof v === "string"),
  },
  boolean: {
    simple: SimpleType.BOOLEAN,
    tag: "bool",
    quick: (v: unknown) => typeof v === "boolean",
    encode: (v: unknown) => primitiveLiteral({ case: "boolean", value: v as boolean }),
    decode: decodeBoolean,
    toPlain: (v: unknown) => v,
    fromPlain: plainOf("a boolean", (v): v is boolean => typeof v === "boolean"),
  },
} as const;

/**
 * A codec for an INTEGER, FLOAT, STRING or BOOLEAN schema. `quickCheck` overrides the default
 * typeof test (pass `undefined` to force zod validation).
 */
export function primitiveCodec(
  schema: z.ZodType,
  kind: PrimitiveKind,
  quickCheck: ((v: unknown) => boolean) | undefined,
): Codec {
  const k = KINDS[kind];
  return {
    schema,
    literalType: simpleType(k.simple),
    tag: k.tag,
    quickCheck,
    encode: k.encode,
    decode: k.decode,
    toPlain: k.toPlain,
    fromPlain: k.fromPlain,
  };
}

/** A codec for `z.number()`, `z.int()` and their formats and checks. */
export function numberCodec(schema: z.ZodType): Codec {
  const def = defOf(schema);
  if (isIntegerSchema(schema)) {
    // z.int() is itself a check (format "safeint") and needs nothing more; int32 etc. need zod.
    const quick = def.format === "safeint" && !hasChecks(schema) ? KINDS.int.quick : undefined;
    return primitiveCodec(schema, "int", quick);
  }
  const quick = def.format === undefined && !hasChecks(schema) ? KINDS.float.quick : undefined;
  return primitiveCodec(schema, "float", quick);
}

/** A codec for `z.string()` and string formats. */
export function stringCodec(schema: z.ZodType): Codec {
  const plain = defOf(schema).format === undefined && !hasChecks(schema);
  return primitiveCodec(schema, "string", plain ? KINDS.string.quick : undefined);
}

/** A codec for `z.boolean()`. */
export function booleanCodec(schema: z.ZodType): Codec {
  return primitiveCodec(schema, "boolean", hasChecks(schema) ? undefined : KINDS.boolean.quick);
}

function isValidDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

/** A codec for `z.date()`: DATETIME, native `Date`; an ISO 8601 string inside structs. */
export function dateCodec(schema: z.ZodType): Codec {
  return {
    schema,
    literalType: simpleType(SimpleType.DATETIME),
    tag: "datetime",
    quickCheck: hasChecks(schema) ? undefined : isValidDate,
    encode: (v) => primitiveLiteral({ case: "datetime", value: timestampFromDate(v as Date) }),
    decode: (literal) => {
      const p = primitiveOf(literal);
      if (p?.case === "datetime") return timestampDate(p.value);
      throw new PathError(`expected a DATETIME literal, got ${describeLiteral(literal)}`);
    },
    toPlain: (v) => (v as Date).toISOString(),
    fromPlain: (plain) => {
      const date = typeof plain === "string" ? new Date(plain) : undefined;
      if (date !== undefined && isValidDate(date)) return date;
      throw new PathError(`expected an ISO 8601 date-time string, got ${describeValue(plain)}`);
    },
  };
}

/** A codec for a none type: `z.null()` reads back as null, `z.undefined()` / `z.void()` as undefined. */
export function noneCodec(schema: z.ZodType, value: null | undefined): Codec {
  return {
    schema,
    literalType: simpleType(SimpleType.NONE),
    tag: "none",
    quickCheck: (v) => v === value,
    none: { value },
    encode: () => scalarLiteral({ case: "noneType", value: create(VoidSchema) }),
    decode: (literal) => {
      const v = literal.value;
      if (v.case === "scalar" && v.value.value.case === "noneType") return value;
      throw new PathError(`expected a none literal, got ${describeLiteral(literal)}`);
    },
    toPlain: () => null,
    fromPlain: (plain) => {
      if (plain === null || plain === undefined) return value;
      throw new PathError(`expected null, got ${describeValue(plain)}`);
    },
  };
}

/**
 * A codec for `z.literal(...)`: the values travel as their base primitive (flytekit does the same
 * for `typing.Literal`), and only the listed values are accepted.
 */
export function literalValueCodec(schema: z.ZodType): Codec {
  const values = defOf(schema).values ?? [];
  const kinds = new Set(values.map((v) => typeof v));
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  let kind: PrimitiveKind;
  if (only === "string") kind = "string";
  else if (only === "boolean") kind = "boolean";
  else if (only === "number") kind = values.every((v) => Number.isSafeInteger(v)) ? "int" : "float";
  else {
    throw new UnsupportedSchemaError(
      "literal",
      "literal values must all be strings, all numbers or all booleans; use z.enum([...]) for string choices",
    );
  }
  const allowed = new Set(values);
  return primitiveCodec(schema, kind, (v) => allowed.has(v));
}
