/**
 * What callers need to know about omitted inputs: whether a schema lets a value be left out, and
 * the `.default(v)` value it then takes.
 */
import type { z } from "zod";
import { defOf } from "./codec.ts";

/**
 * Whether a value of this schema may be omitted at a call site: it has `.optional()` or
 * `.default()` (also through `.nullable()` / `.readonly()`, or a union member that takes undefined).
 *
 * @example
 * isOptionalInput(z.int().default(3)); // true
 * isOptionalInput(z.int().nullable()); // false: null must be passed explicitly
 */
export function isOptionalInput(schema: z.ZodType): boolean {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "undefined":
    case "void":
      return true;
    case "nullable":
    case "readonly":
      return def.innerType !== undefined && isOptionalInput(def.innerType);
    case "union":
      return (def.options ?? []).some(isOptionalInput);
    default:
      return false;
  }
}

/**
 * The `.default(v)` (or `.prefault(v)`) value of a schema, looking through `.optional()`,
 * `.nullable()` and `.readonly()`.
 *
 * @example
 * defaultValueOf(z.string().default("x")); // { has: true, value: "x" }
 * defaultValueOf(z.string().optional());   // { has: false }
 */
export function defaultValueOf(schema: z.ZodType): { has: boolean; value?: unknown } {
  const def = defOf(schema);
  switch (def.type) {
    case "default":
    case "prefault":
      return { has: true, value: def.defaultValue };
    case "optional":
    case "nullable":
    case "readonly":
      return def.innerType === undefined ? { has: false } : defaultValueOf(def.innerType);
    default:
      return { has: false };
  }
}
