/**
 * The typed shape of an entity: its input and output schemas, normalized once at definition.
 *
 * Outputs come in four forms (sdk-api.md): none, one schema (`o0`), an array of schemas
 * (`o0..oN`, positional) or a plain object of schemas (named).
 */
import type { z } from "zod";
import { FlyteError } from "./errors.ts";

/** A plain object of zod schemas, keyed by variable name. */
export type SchemaShape = Readonly<Record<string, z.ZodType>>;

/** What `outputs` may be in task and workflow options. */
export type OutputsOption = z.ZodType | readonly z.ZodType[] | SchemaShape | undefined;

/** How an entity's outputs are shaped when returned. */
export type OutputForm = "none" | "single" | "positional" | "named";

/** Normalized inputs and outputs of an entity. */
export interface Signature {
  readonly inputs: SchemaShape;
  readonly inputNames: readonly string[];
  readonly outputs: SchemaShape;
  readonly outputNames: readonly string[];
  readonly outputForm: OutputForm;
}

/**
 * Names that promises and handles use for their own methods; an output with one of these names
 * could not be reached by destructuring, so it is rejected at definition.
 */
export const RESERVED_OUTPUT_NAMES: ReadonlySet<string> = new Set([
  "withOverrides",
  "runsBefore",
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "isTrue",
  "isFalse",
  "isNone",
  "and",
  "or",
  "then",
  "toJSON",
  "toString",
  "valueOf",
  "constructor",
  "__proto__",
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for a zod schema (zod v4 marks every schema with `_zod`). */
export function isSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** Builds the signature of `entity` from its options, rejecting malformed shapes with a clear error. */
export function makeSignature(
  entity: string,
  kind: string,
  inputs: SchemaShape | undefined,
  outputs: OutputsOption,
): Signature {
  const inputShape = inputs ?? {};
  if (!isPlainObject(inputShape)) {
    throw new FlyteError(
      "E_INVALID_DEFINITION",
      `${kind} '${entity}': 'inputs' must be a plain object of zod schemas, e.g. { a: z.int() }.`,
    );
  }
  for (const [name, schema] of Object.entries(inputShape)) {
    checkVariable(entity, kind, "input", name, schema);
  }
  const { shape, form } = normalizeOutputs(entity, kind, outputs);
  for (const [name, schema] of Object.entries(shape)) {
    checkVariable(entity, kind, "output", name, schema);
    if (RESERVED_OUTPUT_NAMES.has(name)) {
      throw new FlyteError(
        "E_RESERVED_NAME",
        `${kind} '${entity}': output '${name}' collides with a method of output promises; rename the output.`,
      );
    }
  }
  return {
    inputs: inputShape,
    inputNames: Object.keys(inputShape),
    outputs: shape,
    outputNames: Object.keys(shape),
    outputForm: form,
  };
}

function normalizeOutputs(
  entity: string,
  kind: string,
  outputs: OutputsOption,
): { shape: SchemaShape; form: OutputForm } {
  if (outputs === undefined) return { shape: {}, form: "none" };
  if (isSchema(outputs)) return { shape: { o0: outputs }, form: "single" };
  if (Array.isArray(outputs)) {
    const list = outputs as readonly unknown[];
    if (list.length === 0) return { shape: {}, form: "none" };
    const shape: Record<string, z.ZodType> = {};
    list.forEach((schema, i) => {
      if (!isSchema(schema)) {
        throw new FlyteError(
          "E_INVALID_DEFINITION",
          `${kind} '${entity}': outputs[${i}] is not a zod schema; positional outputs are an array of schemas, e.g. [z.string(), z.int()].`,
        );
      }
      shape[`o${i}`] = schema;
    });
    return { shape, form: "positional" };
  }
  if (isPlainObject(outputs)) return { shape: outputs, form: "named" };
  throw new FlyteError(
    "E_INVALID_DEFINITION",
    `${kind} '${entity}': 'outputs' must be a zod schema, an array of schemas or an object of schemas.`,
  );
}

function checkVariable(entity: string, kind: string, side: string, name: string, schema: unknown): void {
  if (!IDENTIFIER.test(name)) {
    throw new FlyteError(
      "E_INVALID_DEFINITION",
      `${kind} '${entity}': ${side} name '${name}' is not a valid identifier (letters, digits and _, not starting with a digit).`,
    );
  }
  if (!isSchema(schema)) {
    throw new FlyteError(
      "E_INVALID_DEFINITION",
      `${kind} '${entity}': ${side} '${name}' is not a zod schema; declare it as e.g. z.int() or z.string().`,
    );
  }
}

/** True for `{}`-style objects (not arrays, class instances, or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
