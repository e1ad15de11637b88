/**
 * The internal building block of the type engine: a `Codec` is one zod schema compiled into the
 * four conversions the engine needs. Public transformers (transformer.ts) wrap a codec with
 * validation and error reporting; families (primitives.ts, struct.ts, ...) build codecs.
 */
import { create } from "@bufbuild/protobuf";
import type { z } from "zod";
import { LiteralSchema, type Literal, type Scalar } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, type LiteralType, type SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

/** A compiled schema. Every method assumes its input was already validated where noted. */
export interface Codec {
  /** The zod schema this codec was compiled from; used for union variant selection. */
  readonly schema: z.ZodType;
  /** The Flyte type of values of this schema. */
  readonly literalType: LiteralType;
  /** The variant tag flytekit puts on this type inside a union (`structure.tag`). */
  readonly tag: string;
  /**
   * A zod-free test that accepts exactly what the schema accepts, without transforming it; absent
   * when the schema has checks, refinements or defaults that only zod can evaluate. Hot paths use
   * it instead of `safeParse`. It may be stricter than zod (a miss falls back to zod), never looser.
   */
  readonly quickCheck: ((value: unknown) => boolean) | undefined;
  /** When this codec is a none type (`z.null()`, `z.undefined()`), the native value a none reads as. */
  readonly none?: { readonly value: null | undefined };
  /** For unions and optionals: the flattened variants (none variants included). */
  readonly variants?: readonly Codec[];
  /** Native value (already validated by zod) to a literal. Throws `PathError`. */
  readonly encode: (value: unknown) => Literal;
  /** Literal to native value, checking the literal's shape (not zod checks). Throws `PathError`. */
  readonly decode: (literal: Literal) => unknown;
  /** Native value (validated) to the JSON-like form stored inside a struct's msgpack body. */
  readonly toPlain: (value: unknown) => unknown;
  /** The JSON-like form inside a struct back to a native value (not zod-validated). Throws `PathError`. */
  readonly fromPlain: (plain: unknown) => unknown;
}

/** Compiles a child schema; passed to family builders so they need not import the dispatcher. */
export type CompileChild = (schema: z.ZodType, step: string) => Codec;

/**
 * A conversion failure deep inside a value. Containers prepend their step (`[2]`, `.name`) as it
 * propagates, so the path is only built when something actually fails.
 */
export class PathError extends Error {
  /** Steps from the top of the value down to the failing part, e.g. `["[2]", ".name"]`. */
  readonly steps: string[];
  /** What went wrong, without any location. */
  readonly detail: string;

  constructor(detail: string, steps: string[] = []) {
    super(detail);
    this.name = "PathError";
    this.detail = detail;
    this.steps = steps;
  }
}

/** Re-raises `error` with `step` prepended when it is a `PathError`; other errors pass through. */
export function withStep(error: unknown, step: string): unknown {
  if (error instanceof PathError) {
    error.steps.unshift(step);
  }
  return error;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The step for an object key or record key: `.name`, or `["odd key"]` when not an identifier. */
export function keyStep(key: string | number | symbol): string {
  if (typeof key === "number") return `[${key}]`;
  const text = String(key);
  return IDENTIFIER.test(text) ? `.${text}` : `[${JSON.stringify(text)}]`;
}

/** A Literal holding one scalar. */
export function scalarLiteral(value: Scalar["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

/** A LiteralType of one simple type. */
export function simpleType(simple: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value: simple } });
}

/** The zod definition of a schema, typed loosely: the engine reads only well-known fields. */
export interface ZodDefView {
  readonly type: string;
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly format?: string } } }[];
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly defaultValue?: unknown;
}

/** Reads a schema's definition. */
export function defOf(schema: z.ZodType): ZodDefView {
  // `_zod.def` is zod v4's documented introspection point; the view lists the fields read here.
  return schema._zod.def;
}

/** True when the schema carries checks or refinements (`.min()`, `.refine()`, ...). */
export function hasChecks(schema: z.ZodType): boolean {
  const checks = defOf(schema).checks;
  return checks !== undefined && checks.length > 0;
}

/**
 * A schema the engine cannot map to a Flyte type. Raised while compiling; transformerFor turns it
 * into a `FlyteError("E_TYPE_UNSUPPORTED")` naming the entity and variable.
 */
export class UnsupportedSchemaError extends Error {
  /** The zod type name (`def.type`), e.g. `"bigint"`. */
  readonly zodType: string;
  /** What to use instead. */
  readonly hint: string;
  /** Where inside the schema the unsupported part sits, e.g. `[".a", "[]"]`. */
  readonly steps: string[];

  constructor(zodType: string, hint: string, steps: string[] = []) {
    super(`zod type '${zodType}' is not supported: ${hint}`);
    this.name = "UnsupportedSchemaError";
    this.zodType = zodType;
    this.hint = hint;
    this.steps = steps;
  }
}
