/**
 * Type navigation along an attribute path (`out.field`, `out[0]`, `out["key"]`) of a promise.
 */
import type { LiteralType, PromiseAttribute } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { Scope } from "./diagnostics.ts";
import { typeText } from "./type-text.ts";

/** Result of walking an attribute path: the element type, or why there is none. */
export type AttrPathResult =
  | { readonly kind: "type"; readonly type: LiteralType }
  /** The path goes into a type whose structure is unknown (e.g. an untyped struct); nothing to check. */
  | { readonly kind: "opaque" }
  /** The path is wrong for the type; a diagnostic was reported. */
  | { readonly kind: "error" };

/**
 * Walks `path` from `start`: list elements by integer index, map values by string key, struct
 * fields through `structure.dataclassType`. Anything else cannot be navigated statically, so the
 * caller skips the type check rather than guessing.
 */
export function navigateAttrPath(
  start: LiteralType,
  path: readonly PromiseAttribute[],
  scope: Scope,
  origin: string,
): AttrPathResult {
  let current = start;
  for (const attr of path) {
    const step = attr.value;
    const t = current.type;
    if (t.case === "collectionType") {
      if (step.case !== "intValue") {
        scope.report("E_FIELD_NOT_FOUND", `${origin} is ${typeText(current)}; a list is indexed by a number, not by ${attrText(attr)}.`);
        return { kind: "error" };
      }
      current = t.value;
      continue;
    }
    if (t.case === "mapValueType") {
      if (step.case !== "stringValue") {
        scope.report("E_FIELD_NOT_FOUND", `${origin} is ${typeText(current)}; a map is indexed by a string key, not by ${attrText(attr)}.`);
        return { kind: "error" };
      }
      current = t.value;
      continue;
    }
    const fields = current.structure?.dataclassType;
    if (fields !== undefined && Object.keys(fields).length > 0) {
      const name = step.case === "stringValue" ? step.value : undefined;
      const field = name === undefined ? undefined : fields[name];
      if (field === undefined) {
        scope.report(
          "E_FIELD_NOT_FOUND",
          `${origin} is ${typeText(current)}, which has no field ${attrText(attr)}; its fields are ${Object.keys(fields).sort().join(", ")}.`,
        );
        return { kind: "error" };
      }
      current = field;
      continue;
    }
    return { kind: "opaque" };
  }
  return { kind: "type", type: current };
}

/** Renders one attribute-path step, e.g. `[0]` or `"name"`. */
export function attrText(attr: PromiseAttribute): string {
  const v = attr.value;
  if (v.case === "intValue") return `[${v.value}]`;
  if (v.case === "stringValue") return JSON.stringify(v.value);
  return "<empty attribute>";
}
