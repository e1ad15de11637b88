/**
 * JSON-schema comparison for STRUCT types. Dataclass-like types carry a JSON schema (draft
 * 2020-12, as produced by mashumaro or pydantic) in `LiteralType.metadata`; an upstream struct may
 * feed a downstream struct when the schemas are equal or the upstream schema is a superset.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** Recursive schemas ($ref cycles) stop being compared below this depth; deeper means "compatible". */
const MAX_DEPTH = 32;

/** Whether `metadata` looks like a JSON schema we can compare (an object with at least one key). */
export function hasSchema(metadata: JsonObject | undefined): metadata is JsonObject {
  return metadata !== undefined && Object.keys(metadata).length > 0;
}

/**
 * Whether data valid for the `upstream` schema is accepted by the `downstream` schema: the schemas
 * are equal, or every property the downstream declares exists upstream with a compatible schema
 * (required downstream properties must exist; optional ones are checked when present).
 */
export function isSchemaCompatible(upstream: JsonObject, downstream: JsonObject): boolean {
  return compatible(upstream, downstream, upstream, downstream, 0);
}

function compatible(
  upIn: JsonValue,
  downIn: JsonValue,
  upRoot: JsonObject,
  downRoot: JsonObject,
  depth: number,
): boolean {
  const up = resolveRef(upIn, upRoot);
  const down = resolveRef(downIn, downRoot);
  if (jsonEqual(up, down)) return true;
  if (depth > MAX_DEPTH) return true;
  if (!isObject(up) || !isObject(down)) return false;

  if (down["type"] !== undefined && up["type"] !== undefined && !jsonEqual(up["type"], down["type"])) return false;

  const downVariants = variantsOf(down);
  const upVariants = variantsOf(up);
  if (downVariants !== undefined) {
    if (upVariants !== undefined) {
      // Every upstream alternative must be accepted by some downstream alternative.
      return upVariants.every((u) => downVariants.some((d) => compatible(u, d, upRoot, downRoot, depth + 1)));
    }
    return downVariants.some((d) => compatible(up, d, upRoot, downRoot, depth + 1));
  }
  if (upVariants !== undefined) return false;

  const downProps = down["properties"];
  if (isObject(downProps)) {
    const upProps = up["properties"];
    if (!isObject(upProps)) return false;
    const required = new Set(stringArray(down["required"]));
    for (const [name, downProp] of Object.entries(downProps)) {
      const upProp = upProps[name];
      if (upProp === undefined) {
        if (required.has(name)) return false;
        continue;
      }
      if (downProp !== undefined && !compatible(upProp, downProp, upRoot, downRoot, depth + 1)) return false;
    }
  }

  const downItems = down["items"];
  if (downItems !== undefined && typeof downItems !== "boolean") {
    const upItems = up["items"];
    if (upItems === undefined || !compatible(upItems, downItems, upRoot, downRoot, depth + 1)) return false;
  }

  const downExtra = down["additionalProperties"];
  const upExtra = up["additionalProperties"];
  if (isObject(downExtra) && isObject(upExtra) && !compatible(upExtra, downExtra, upRoot, downRoot, depth + 1)) {
    return false;
  }
  return true;
}

function variantsOf(s: JsonObject): JsonValue[] | undefined {
  const v = s["anyOf"] ?? s["oneOf"];
  return Array.isArray(v) ? v : undefined;
}

/** Follows a local `$ref` (`#/$defs/Name`, `#/definitions/Name`) inside the schema's own root. */
function resolveRef(value: JsonValue, root: JsonObject): JsonValue {
  let current = value;
  // A few hops cover `$ref` chains; a self-referencing chain is left unresolved.
  for (let hops = 0; hops < 8 && isObject(current); hops++) {
    const ref = current["$ref"];
    if (typeof ref !== "string" || !ref.startsWith("#")) return current;
    const target = pointer(root, ref.slice(1));
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

function pointer(root: JsonObject, ptr: string): JsonValue | undefined {
  if (ptr === "" || ptr === "/") return root;
  let node: JsonValue | undefined = root;
  for (const raw of ptr.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (isObject(node)) node = node[key];
    else if (Array.isArray(node)) node = node[Number(key)];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function stringArray(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}
