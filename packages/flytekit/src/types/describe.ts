/**
 * Short human-readable forms of types, literals and native values, for error messages.
 */
import type { Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BlobType_BlobDimensionality, type LiteralType, SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

/**
 * A short human form of a Flyte type: `"INTEGER"`, `"list<STRING>"`, `"map<FLOAT>"`, `"struct"`,
 * `"enum{a,b}"`, `"union<INTEGER|NONE>"`, `"blob"`, `"dataframe"`.
 *
 * @example
 * describeType(literalTypeOf(z.array(z.string()))); // "list<STRING>"
 */
export function describeType(lt: LiteralType): string {
  const t = lt.type;
  switch (t.case) {
    case "simple":
      return t.value === SimpleType.STRUCT ? "struct" : (SimpleType[t.value] ?? `simple(${t.value})`);
    case "collectionType":
      return `list<${describeType(t.value)}>`;
    case "mapValueType":
      return `map<${describeType(t.value)}>`;
    case "enumType":
      return `enum{${t.value.values.join(",")}}`;
    case "unionType":
      return `union<${t.value.variants.map(describeType).join("|")}>`;
    case "blob": {
      const multipart = t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART;
      const kind = multipart ? "multipart blob" : "blob";
      return t.value.format === "" ? kind : `${kind}<${t.value.format}>`;
    }
    case "structuredDatasetType":
      return t.value.format === "" ? "dataframe" : `dataframe<${t.value.format}>`;
    case "schema":
      return "schema";
    case undefined:
      return "unknown";
  }
}

const MAX_PREVIEW = 40;

function clip(text: string): string {
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}

/**
 * A short form of a native value, with its kind first: `number 5`, `string "ab"`, `null`,
 * `array of 3`, `object {a, b}`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "string":
      return `string ${clip(JSON.stringify(value))}`;
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "bigint":
      return `bigint ${String(value)}n`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      break;
  }
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "an invalid Date" : `date ${value.toISOString()}`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return `an instance of ${name ?? "an unknown class"}`;
  }
  const keys = Object.keys(value);
  const shown = keys.slice(0, 5).join(", ");
  return `object {${keys.length > 5 ? `${shown}, …` : shown}}`;
}

/** A short form of a literal's shape, for "expected X, got Y" messages. */
export function describeLiteral(literal: Literal): string {
  const v = literal.value;
  switch (v.case) {
    case "collection":
      return `a collection literal of ${v.value.literals.length}`;
    case "map":
      return "a map literal";
    case "offloadedMetadata":
      return "an offloaded literal";
    case undefined:
      return "an empty literal";
    case "scalar":
      break;
  }
  const s = v.value.value;
  switch (s.case) {
    case "primitive": {
      const p = s.value.value;
      switch (p.case) {
        case "integer":
          return `an integer literal ${String(p.value)}`;
        case "floatValue":
          return `a float literal ${String(p.value)}`;
        case "stringValue":
          return `a string literal ${clip(JSON.stringify(p.value))}`;
        case "boolean":
          return `a boolean literal ${String(p.value)}`;
        case "datetime":
          return "a datetime literal";
        case "duration":
          return "a duration literal";
        case undefined:
          return "an empty primitive literal";
      }
      break;
    }
    case "binary":
      return `a binary literal (tag "${s.value.tag}")`;
    case "generic":
      return "a generic (Struct) literal";
    case "noneType":
      return "a none literal";
    case "union":
      return "a union literal";
    case "blob":
      return "a blob literal";
    case "structuredDataset":
      return "a structured dataset literal";
    case "schema":
      return "a schema literal";
    case "error":
      return "an error literal";
    case undefined:
      return "an empty scalar literal";
  }
  return "an unknown literal";
}
