/**
 * Literals for people: a literal as a JSON value for display (from @flyte/idl: structs decoded
 * from MessagePack), and a Flyte type as a short name ("list<int>", "Point", "int | none").
 */
import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

// Literals as JSON live in @flyte/idl, shared with the CLI.
export { literalMapToJson, literalToJson } from "@flyte/idl/literal-json";

const SIMPLE_NAMES: Partial<Record<SimpleType, string>> = {
  [SimpleType.INTEGER]: "int",
  [SimpleType.FLOAT]: "float",
  [SimpleType.STRING]: "string",
  [SimpleType.BOOLEAN]: "boolean",
  [SimpleType.DATETIME]: "datetime",
  [SimpleType.DURATION]: "duration",
  [SimpleType.NONE]: "none",
  [SimpleType.STRUCT]: "struct",
  [SimpleType.BINARY]: "binary",
  [SimpleType.ERROR]: "error",
};

/** A type's short name. */
export function typeName(type: LiteralType | undefined): string {
  const t = type?.type;
  switch (t?.case) {
    case "simple": {
      const title = type?.metadata?.["title"];
      return t.value === SimpleType.STRUCT && typeof title === "string" ? title : (SIMPLE_NAMES[t.value] ?? "unknown");
    }
    case "collectionType":
      return `list<${typeName(t.value)}>`;
    case "mapValueType":
      return `map<string, ${typeName(t.value)}>`;
    case "enumType":
      return `enum(${t.value.values.join(" | ")})`;
    case "unionType":
      return t.value.variants.map(typeName).join(" | ");
    case "blob": {
      const kind = t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "directory" : "file";
      return t.value.format === "" ? kind : `${kind} (${t.value.format})`;
    }
    case "structuredDatasetType":
      return t.value.format === "" ? "dataframe" : `dataframe (${t.value.format})`;
    default:
      return t?.case ?? "unknown";
  }
}
