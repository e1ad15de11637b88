/**
 * Minimal zod v4 introspection the SDK needs outside the type engine: the element schema of a
 * list or map input (to bind lists and maps that mix promises and constants).
 */
import type { z } from "zod";

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips `.optional()`, `.nullable()`, `.default()` and similar wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType !== undefined && ["optional", "nullable", "default", "prefault", "readonly", "catch"].includes(def.type)) {
      s = def.innerType;
    } else {
      return s;
    }
  }
}

/** The element schema of a list schema, or undefined. */
export function listElement(schema: z.ZodType): z.ZodType | undefined {
  const def = defOf(unwrapSchema(schema));
  return def.type === "array" ? def.element : undefined;
}

/** The value schema of a `z.record(z.string(), T)` schema, or undefined. */
export function mapValue(schema: z.ZodType): z.ZodType | undefined {
  const def = defOf(unwrapSchema(schema));
  return def.type === "record" ? def.valueType : undefined;
}
