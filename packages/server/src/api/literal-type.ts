/**
 * The type a literal value carries, as Flyte's admin infers it to check fixed and default inputs
 * of launch plans (`validators.LiteralTypeForLiteral`), and a short rendering of types for
 * messages.
 */
import { create } from "@bufbuild/protobuf";
import { isCastable } from "@flyte/engine";
import type { Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

const PRIMITIVE: Readonly<Record<string, SimpleType>> = {
  integer: SimpleType.INTEGER,
  floatValue: SimpleType.FLOAT,
  stringValue: SimpleType.STRING,
  boolean: SimpleType.BOOLEAN,
  datetime: SimpleType.DATETIME,
  duration: SimpleType.DURATION,
};

function simple(t: SimpleType): LiteralType {
  return create(LiteralTypeSchema, { type: { case: "simple", value: t } });
}

/** The type of `literal`, or undefined when it cannot be told (empty lists and maps, empty values). */
export function literalTypeOf(literal: Literal): LiteralType | undefined {
  const v = literal.value;
  switch (v.case) {
    case "scalar": {
      const s = v.value.value;
      switch (s.case) {
        case "primitive": {
          const kind = s.value.value.case;
          return kind === undefined ? undefined : simple(PRIMITIVE[kind] ?? SimpleType.NONE);
        }
        case "noneType":
          return simple(SimpleType.NONE);
        case "binary":
          return simple(SimpleType.BINARY);
        case "error":
          return simple(SimpleType.ERROR);
        case "generic":
          return simple(SimpleType.STRUCT);
        case "blob":
          return s.value.metadata?.type === undefined ? undefined : create(LiteralTypeSchema, { type: { case: "blob", value: s.value.metadata.type } });
        case "structuredDataset": {
          const t = s.value.metadata?.structuredDatasetType;
          return t === undefined ? undefined : create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: t } });
        }
        case "union":
          return s.value.type;
        case "schema":
          return s.value.type === undefined ? undefined : create(LiteralTypeSchema, { type: { case: "schema", value: s.value.type } });
        case undefined:
          return undefined;
      }
      return undefined;
    }
    case "collection": {
      const first = v.value.literals[0];
      const inner = first === undefined ? undefined : literalTypeOf(first);
      return inner === undefined ? undefined : create(LiteralTypeSchema, { type: { case: "collectionType", value: inner } });
    }
    case "map": {
      const first = Object.values(v.value.literals)[0];
      const inner = first === undefined ? undefined : literalTypeOf(first);
      return inner === undefined ? undefined : create(LiteralTypeSchema, { type: { case: "mapValueType", value: inner } });
    }
    case "offloadedMetadata":
      return v.value.inferredType;
    case undefined:
      return undefined;
  }
}

/**
 * Whether `literal` may be passed where `expected` is declared. As in Flyte 1.x, a STRUCT input
 * (a dataclass, a pydantic model, an untyped dict) also takes a `Binary{tag: "msgpack"}` literal:
 * newer flytekits send structs that way, and tasks read either form. Such a literal is kept as it
 * was sent (no conversion), as Flyte's propeller passes it on.
 */
export function literalCastsTo(literal: Literal, given: LiteralType | undefined, expected: LiteralType): boolean {
  if (given === undefined || isCastable(given, expected)) return true;
  return isMsgpackBinary(literal) && isStructType(expected);
}

function isMsgpackBinary(literal: Literal): boolean {
  const v = literal.value;
  return v.case === "scalar" && v.value.value.case === "binary" && v.value.value.value.tag === "msgpack";
}

function isStructType(t: LiteralType): boolean {
  if (t.type.case === "simple") return t.type.value === SimpleType.STRUCT;
  // An optional struct (`Point | None`) takes one too.
  if (t.type.case === "unionType") return t.type.value.variants.some(isStructType);
  return false;
}

/** A short rendering of a type for messages: `INTEGER`, `list<STRING>`, `map<FLOAT>`, `union<...>`. */
export function typeSummary(t: LiteralType | undefined): string {
  if (t === undefined) return "<untyped>";
  const v = t.type;
  switch (v.case) {
    case "simple":
      return SimpleType[v.value] ?? String(v.value);
    case "collectionType":
      return `list<${typeSummary(v.value)}>`;
    case "mapValueType":
      return `map<${typeSummary(v.value)}>`;
    case "unionType":
      return `union<${v.value.variants.map(typeSummary).join(" | ")}>`;
    case "enumType":
      return `enum{${v.value.values.join(", ")}}`;
    case undefined:
      return "<no type>";
    default:
      return v.case;
  }
}
