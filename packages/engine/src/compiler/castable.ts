/**
 * Type compatibility of a promise edge, following the Flyte backend compiler's rules: simple types
 * must be identical (INTEGER does not cast to FLOAT), enums and strings convert both ways, structs
 * compare their JSON schemas, containers compare element types, unions need an unambiguous match.
 */
import {
  SimpleType,
  type LiteralType,
  type SchemaType,
  type StructuredDatasetType,
  SchemaType_SchemaColumn_SchemaColumnType as ColumnType,
} from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { hasSchema, isSchemaCompatible } from "./json-schema.ts";

/**
 * Whether a value of type `upstream` may be bound to an input of type `downstream`.
 *
 * Metadata, annotations and structure are ignored except where they carry meaning: struct JSON
 * schemas (metadata) and union variant tags (`structure.tag`, compared only when both sides have one).
 *
 * @example
 * ```ts
 * isCastable(simple(SimpleType.INTEGER), simple(SimpleType.FLOAT)); // false, as in Flyte
 * isCastable(enumOf("a", "b"), simple(SimpleType.STRING));           // true
 * ```
 */
export function isCastable(upstream: LiteralType, downstream: LiteralType): boolean {
  // A union with a single variant is as good as that variant.
  const up = upstream.type;
  if (up.case === "unionType" && up.value.variants.length === 1) {
    const only = up.value.variants[0];
    if (only !== undefined && castsFrom(downstream, only)) return true;
  }
  return castsFrom(downstream, upstream);
}

/** Whether `down` accepts `up`, dispatching on the downstream type like Flyte's type checkers. */
function castsFrom(down: LiteralType, up: LiteralType): boolean {
  const d = down.type;
  switch (d.case) {
    case "collectionType": {
      const u = up.type;
      if (u.case !== "collectionType") return false;
      // A list of NONE is what an empty list looks like; it fits any list.
      return isNone(u.value) || castsFrom(d.value, u.value);
    }
    case "mapValueType": {
      const u = up.type;
      if (u.case !== "mapValueType") return false;
      return isNone(u.value) || castsFrom(d.value, u.value);
    }
    case "blob": {
      const u = up.type;
      if (u.case !== "blob") return false;
      return u.value.format === "" || d.value.format === "" || u.value.format === d.value.format;
    }
    case "schema":
      return schemaCastsFrom(d.value, up);
    case "structuredDatasetType":
      return datasetCastsFrom(d.value, up);
    case "unionType":
      return unionCastsFrom(d.value.variants, up);
    default:
      if (isNone(down)) return isNone(up);
      return trivialCastsFrom(down, up);
  }
}

function unionCastsFrom(variants: readonly LiteralType[], up: LiteralType): boolean {
  const u = up.type;
  if (u.case === "unionType") {
    // Every upstream variant must land somewhere downstream.
    return u.value.variants.every((uv) => variants.some((dv) => isCastable(uv, dv)));
  }
  // A plain value must pick exactly one variant; two candidates would be ambiguous.
  let matches = 0;
  for (const v of variants) {
    if (isCastable(up, v) && ++matches > 1) return false;
  }
  return matches === 1;
}

/** Simple types, enums and anything else compared by identity of the type itself. */
function trivialCastsFrom(down: LiteralType, up: LiteralType): boolean {
  const d = down.type;
  const u = up.type;
  // Enums are constrained strings, so they convert to and from STRING.
  if (u.case === "enumType" && d.case === "simple" && d.value === SimpleType.STRING) return true;
  if (d.case === "enumType" && u.case === "simple" && u.value === SimpleType.STRING) return true;

  const upTag = up.structure?.tag ?? "";
  const downTag = down.structure?.tag ?? "";
  if (upTag !== "" && downTag !== "" && upTag !== downTag) return false;

  if (d.case === "simple" && u.case === "simple") {
    if (d.value !== u.value) return false;
    if (d.value === SimpleType.STRUCT) {
      // Without a schema on both sides there is nothing to compare; Flyte lets it through too.
      if (!hasSchema(up.metadata) || !hasSchema(down.metadata)) return true;
      return isSchemaCompatible(up.metadata, down.metadata);
    }
    return true;
  }
  if (d.case === "enumType" && u.case === "enumType") {
    const a = d.value.values;
    const b = u.value.values;
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return d.case === undefined && u.case === undefined;
}

function isNone(t: LiteralType): boolean {
  return t.type.case === "simple" && t.type.value === SimpleType.NONE;
}

function schemaCastsFrom(down: SchemaType, up: LiteralType): boolean {
  const u = up.type;
  if (u.case === "schema") return columnsSubset(u.value.columns, down.columns, (a, b) => a.type === b.type);
  if (u.case === "structuredDatasetType") {
    // A schema can only be read from parquet.
    if (u.value.format !== "" && u.value.format.toLowerCase() !== "parquet") return false;
    return columnsSubset(u.value.columns, down.columns, (a, b) =>
      a.literalType !== undefined && columnMatchesSimple(b.type, a.literalType),
    );
  }
  return false;
}

function datasetCastsFrom(down: StructuredDatasetType, up: LiteralType): boolean {
  // Structured datasets are nullable.
  if (isNone(up)) return true;
  const u = up.type;
  if (u.case === "schema") {
    if (down.format !== "" && down.format.toLowerCase() !== "parquet") return false;
    return columnsSubset(u.value.columns, down.columns, (a, b) =>
      b.literalType !== undefined && columnMatchesSimple(a.type, b.literalType),
    );
  }
  if (u.case === "structuredDatasetType") {
    if (u.value.format !== "" && down.format !== "" && u.value.format.toLowerCase() !== down.format.toLowerCase()) {
      return false;
    }
    return columnsSubset(u.value.columns, down.columns, (a, b) =>
      a.literalType !== undefined && b.literalType !== undefined && castsFrom(b.literalType, a.literalType),
    );
  }
  return false;
}

/** Downstream columns must all exist upstream with matching types; no columns on either side means "any". */
function columnsSubset<U extends { name: string }, D extends { name: string }>(
  upCols: readonly U[],
  downCols: readonly D[],
  match: (up: U, down: D) => boolean,
): boolean {
  if (upCols.length === 0 || downCols.length === 0) return true;
  const byName = new Map(upCols.map((c) => [c.name, c]));
  return downCols.every((dc) => {
    const uc = byName.get(dc.name);
    return uc !== undefined && match(uc, dc);
  });
}

const COLUMN_SIMPLE: ReadonlyMap<ColumnType, SimpleType> = new Map([
  [ColumnType.INTEGER, SimpleType.INTEGER],
  [ColumnType.FLOAT, SimpleType.FLOAT],
  [ColumnType.STRING, SimpleType.STRING],
  [ColumnType.BOOLEAN, SimpleType.BOOLEAN],
  [ColumnType.DATETIME, SimpleType.DATETIME],
  [ColumnType.DURATION, SimpleType.DURATION],
]);

function columnMatchesSimple(column: ColumnType, t: LiteralType): boolean {
  return t.type.case === "simple" && COLUMN_SIMPLE.get(column) === t.type.value;
}
