/**
 * Literals for people: a literal as a JSON value for display (structs decoded from MessagePack),
 * and a Flyte type as a short name ("list<int>", "Point", "int | none").
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Literal, LiteralMap, Scalar } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { decodeMsgpack } from "./msgpack.ts";

/** A literal as a JSON value: primitives as themselves, durations as "1.5s", dates as ISO text. */
export function literalToJson(literal: Literal | undefined): unknown {
  const v = literal?.value;
  switch (v?.case) {
    case "scalar":
      return scalarToJson(v.value);
    case "collection":
      return v.value.literals.map(literalToJson);
    case "map":
      return Object.fromEntries(Object.entries(v.value.literals).map(([k, l]) => [k, literalToJson(l)]));
    case "offloadedMetadata":
      return { offloaded: v.value.uri };
    default:
      return null;
  }
}

function scalarToJson(scalar: Scalar): unknown {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer": {
          const n = Number(p.value);
          return Number.isSafeInteger(n) ? n : p.value.toString();
        }
        case "datetime":
          return timestampDate(p.value).toISOString();
        case "duration":
          return `${Number(p.value.seconds) + p.value.nanos / 1e9}s`;
        case undefined:
          return null;
        default:
          return p.value;
      }
    }
    case "noneType":
      return null;
    case "generic":
      return v.value;
    case "binary":
      if (v.value.tag === "msgpack") {
        try {
          return decodeMsgpack(v.value.value);
        } catch {
          // shown as bytes below
        }
      }
      return { binary: `${v.value.value.length} bytes`, tag: v.value.tag };
    case "union":
      return v.value.value === undefined ? null : literalToJson(v.value.value);
    case "error":
      return { error: v.value.message, node: v.value.failedNodeId };
    case "blob":
    case "structuredDataset":
    case "schema":
      return { uri: v.value.uri };
    default:
      return null;
  }
}

/** A literal map as an object of JSON values. */
export function literalMapToJson(map: LiteralMap | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map?.literals ?? {}).map(([k, l]) => [k, literalToJson(l)]));
}

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
    case "blob":
      return "file";
    default:
      return t?.case ?? "unknown";
  }
}
