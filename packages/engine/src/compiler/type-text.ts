/**
 * Short, human-readable renderings of literal types and bindings for diagnostic messages.
 */
import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/**
 * Renders a literal type, e.g. `INTEGER`, `list<FLOAT>`, `map<string, STRING>`,
 * `union<INTEGER | NONE>`, `enum{red, blue}`, `blob(csv, single)`.
 */
export function typeText(t: LiteralType | undefined): string {
  if (t === undefined) return "<untyped>";
  const tag = t.structure?.tag;
  const base = baseText(t);
  return tag !== undefined && tag !== "" ? `${base}#${tag}` : base;
}

function baseText(t: LiteralType): string {
  const ty = t.type;
  switch (ty.case) {
    case "simple": {
      const name = SimpleType[ty.value] ?? `SIMPLE(${String(ty.value)})`;
      if (ty.value === SimpleType.STRUCT) {
        const title = t.metadata?.["title"];
        return typeof title === "string" ? `STRUCT(${title})` : name;
      }
      return name;
    }
    case "collectionType":
      return `list<${typeText(ty.value)}>`;
    case "mapValueType":
      return `map<string, ${typeText(ty.value)}>`;
    case "unionType":
      return `union<${ty.value.variants.map(typeText).join(" | ")}>`;
    case "enumType":
      return `enum{${ty.value.values.join(", ")}}`;
    case "blob": {
      const dim = ty.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "multipart" : "single";
      return `blob(${ty.value.format === "" ? "any format" : ty.value.format}, ${dim})`;
    }
    case "schema":
      return `schema(${ty.value.columns.map((c) => c.name).join(", ")})`;
    case "structuredDatasetType": {
      const cols = ty.value.columns.map((c) => c.name).join(", ");
      return `structured-dataset(${ty.value.format === "" ? "any format" : ty.value.format}${cols === "" ? "" : `; ${cols}`})`;
    }
    case undefined:
      return "<no type>";
  }
}

/** Names the kind of a binding's value: `a constant`, `a list of bindings`, `a promise`, ... */
export function bindingKindText(b: BindingData): string {
  switch (b.value.case) {
    case "scalar":
      return "a constant";
    case "collection":
      return "a list of bindings";
    case "map":
      return "a map of bindings";
    case "promise":
      return "a promise";
    case "offloadedMetadata":
      return "an offloaded literal";
    case undefined:
      return "nothing";
  }
}
