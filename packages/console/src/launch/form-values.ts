/**
 * The launch form's values and their literals. A form value is what an input shows while being
 * edited (number fields keep their text, so "1." can be typed); {@link literalOf} turns it into
 * a literal of the input's type, or throws an error naming the input path and what is expected.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { durationFromMs, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { literalToJson, typeName } from "../lib/literals.ts";

/** A value being edited: text for numbers/dates/durations, arrays, key/value pairs, fields, a union's choice. */
export type FormValue = string | boolean | null | FormValue[] | { readonly entries: [string, FormValue][] } | { readonly fields: Record<string, FormValue> } | { readonly variant: number; readonly value: FormValue };

/** A form value's problem, with the path of the input part it is in (e.g. `points[2].x`). */
export class FormValueError extends Error {
  override readonly name = "FormValueError";
  /** Where in the input the problem is, e.g. `point.x`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** The key/value pairs of a map's form value (undefined when it is not one). */
export function mapEntries(value: FormValue): [string, FormValue][] | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "entries" in value ? value.entries : undefined;
}

/** A STRUCT type's fields when it carries them (flytekit's objects), else undefined (free JSON). */
export function structFields(type: LiteralType): Record<string, LiteralType> | undefined {
  const fields = type.structure?.dataclassType;
  return fields !== undefined && Object.keys(fields).length > 0 ? fields : undefined;
}

/** Whether a union type admits none (an optional input). */
export function isOptional(type: LiteralType): boolean {
  return type.type.case === "unionType" && type.type.value.variants.some((v) => v.type.case === "simple" && v.type.value === SimpleType.NONE);
}

/** The empty value of a type: what a new field shows. */
export function emptyValue(type: LiteralType): FormValue {
  const t = type.type;
  switch (t.case) {
    case "simple":
      if (t.value === SimpleType.BOOLEAN) return false;
      if (t.value === SimpleType.NONE) return null;
      if (t.value === SimpleType.STRUCT) {
        const fields = structFields(type);
        return fields === undefined ? "{}" : { fields: Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, emptyValue(f)])) };
      }
      return "";
    case "enumType":
      return t.value.values[0] ?? "";
    case "collectionType":
      return [];
    case "mapValueType":
      return { entries: [] };
    case "unionType": {
      // Optional inputs start as none; other unions start on their first variant.
      const none = t.value.variants.findIndex((v) => v.type.case === "simple" && v.type.value === SimpleType.NONE);
      const variant = none >= 0 ? none : 0;
      const chosen = t.value.variants[variant];
      return { variant, value: chosen === undefined ? null : emptyValue(chosen) };
    }
    default:
      return "";
  }
}

/** A date as a `datetime-local` value: the browser's local time, to the second. */
function localDateTime(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The form value of a literal of `type` (prefilling from defaults or an earlier execution). */
export function valueOf(literal: Literal, type: LiteralType): FormValue {
  const t = type.type;
  const v = literal.value;
  if (t.case === "unionType") {
    const inner = v.case === "scalar" && v.value.value.case === "union" ? v.value.value.value.value : literal;
    const isNone = inner === undefined || (inner.value.case === "scalar" && inner.value.value.value.case === "noneType");
    const variant = t.value.variants.findIndex((x) => (isNone ? x.type.case === "simple" && x.type.value === SimpleType.NONE : !(x.type.case === "simple" && x.type.value === SimpleType.NONE)));
    const chosen = t.value.variants[Math.max(0, variant)];
    return { variant: Math.max(0, variant), value: chosen === undefined || inner === undefined ? null : valueOf(inner, chosen) };
  }
  if (t.case === "collectionType" && v.case === "collection") return v.value.literals.map((l) => valueOf(l, t.value));
  // Files, directories and dataframes are edited as their URI (relaunch shows the earlier one).
  if (v.case === "scalar" && (v.value.value.case === "blob" || v.value.value.case === "structuredDataset")) return v.value.value.value.uri;
  if (t.case === "mapValueType" && v.case === "map") return { entries: Object.entries(v.value.literals).map(([k, l]) => [k, valueOf(l, t.value)]) };
  if (v.case === "scalar" && v.value.value.case === "primitive") {
    const p = v.value.value.value.value;
    if (p.case === "datetime") return localDateTime(timestampDate(p.value));
    if (p.case === "duration") return durationText(Number(p.value.seconds) * 1000 + Math.floor(p.value.nanos / 1e6));
    if (p.case === "boolean") return p.value;
    if (p.case === "integer") return p.value.toString();
    if (p.case === "floatValue") return String(p.value);
    if (p.case === "stringValue") return p.value;
  }
  const json = literalToJson(literal);
  if (t.case === "simple" && t.value === SimpleType.STRUCT) {
    const fields = structFields(type);
    if (fields === undefined) return JSON.stringify(json, null, 2);
    const obj = (json ?? {}) as Record<string, unknown>;
    return { fields: Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, plainToValue(obj[k], f)])) };
  }
  return typeof json === "string" ? json : JSON.stringify(json);
}

/** A struct field's plain (decoded MessagePack) value as a form value. */
function plainToValue(plain: unknown, type: LiteralType): FormValue {
  const t = type.type;
  if (plain === undefined || plain === null) return emptyValue(type);
  if (t.case === "collectionType" && Array.isArray(plain)) return plain.map((x) => plainToValue(x, t.value));
  if (t.case === "mapValueType" && typeof plain === "object") return { entries: Object.entries(plain).map(([k, x]) => [k, plainToValue(x, t.value)]) };
  if (t.case === "unionType") {
    const variant = t.value.variants.findIndex((x) => !(x.type.case === "simple" && x.type.value === SimpleType.NONE));
    const chosen = t.value.variants[Math.max(0, variant)];
    return { variant: Math.max(0, variant), value: chosen === undefined ? null : plainToValue(plain, chosen) };
  }
  if (t.case === "simple" && t.value === SimpleType.STRUCT) {
    const fields = structFields(type);
    if (fields === undefined) return JSON.stringify(plain);
    const obj = plain as Record<string, unknown>;
    return { fields: Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, plainToValue(obj[k], f)])) };
  }
  if (typeof plain === "boolean") return plain;
  return typeof plain === "string" || typeof plain === "number" ? String(plain) : JSON.stringify(plain);
}

const DURATION = /^(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?!s))?\s*(?:(\d+(?:\.\d+)?)s)?\s*(?:(\d+(?:\.\d+)?)ms)?$/;

/** "1h30m", "10m", "45s", "250ms" (or a number of seconds) in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = DURATION.exec(s);
  if (s === "" || m === null) return undefined;
  const [, h = "0", min = "0", sec = "0", ms = "0"] = m;
  return Number(h) * 3_600_000 + Number(min) * 60_000 + Number(sec) * 1000 + Number(ms);
}

/** A URI with a scheme (`http://`, `s3://`, ...): what a file, directory or dataframe input takes. */
const URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** Whether `type` is a file, a directory or a dataframe (given as a URI or uploaded). */
export function isDataType(type: LiteralType): boolean {
  return type.type.case === "blob" || type.type.case === "structuredDatasetType";
}

/** Whether a data input of `type` may be picked as one local file (not a directory). */
export function takesOneFile(type: LiteralType): boolean {
  return type.type.case === "structuredDatasetType" || (type.type.case === "blob" && type.type.value.dimensionality !== BlobType_BlobDimensionality.MULTIPART);
}

const scalarLiteral = (value: Literal["value"]): Literal => create(LiteralSchema, { value });

/** A primitive literal; `p` is the Primitive's oneof value. */
function prim(p: { case: string; value: unknown }): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: p as never } } } } });
}

/** A plain value (for MessagePack struct bodies) of a form value of `type`. */
function plainOf(value: FormValue, type: LiteralType, path: string): unknown {
  // Durations and dates travel as their text inside structs (JSON-schema strings).
  return literalToJson(literalOf(value, type, path));
}

/** The literal of a form value of `type`; throws {@link FormValueError} naming `path`. */
export function literalOf(value: FormValue, type: LiteralType, path: string): Literal {
  const t = type.type;
  const fail = (message: string): never => {
    throw new FormValueError(path, message);
  };
  switch (t.case) {
    case "simple": {
      switch (t.value) {
        case SimpleType.INTEGER: {
          const text = typeof value === "string" ? value.trim() : "";
          if (!/^-?\d+$/.test(text)) return fail(`expected a whole number (int), got '${text}'`);
          return prim({ case: "integer", value: BigInt(text) });
        }
        case SimpleType.FLOAT: {
          const text = typeof value === "string" ? value.trim() : "";
          const n = Number(text);
          if (text === "" || !Number.isFinite(n)) return fail(`expected a number (float), got '${text}'`);
          return prim({ case: "floatValue", value: n });
        }
        case SimpleType.STRING:
          return prim({ case: "stringValue", value: typeof value === "string" ? value : "" });
        case SimpleType.BOOLEAN:
          return prim({ case: "boolean", value: value === true });
        case SimpleType.DATETIME: {
          const text = typeof value === "string" ? value.trim() : "";
          // datetime-local values have no zone: they are the browser's local time.
          const date = new Date(text);
          if (text === "" || Number.isNaN(date.getTime())) return fail(`expected a date and time, got '${text}'`);
          return prim({ case: "datetime", value: timestampFromDate(date) });
        }
        case SimpleType.DURATION: {
          const ms = typeof value === "string" ? parseDuration(value) : undefined;
          if (ms === undefined) return fail(`expected a duration such as 10m, 1h30m, 45s or 250ms, got '${typeof value === "string" ? value : ""}'`);
          return prim({ case: "duration", value: durationFromMs(ms) });
        }
        case SimpleType.NONE:
          return scalarLiteral({ case: "scalar", value: { value: { case: "noneType", value: {} } } as never });
        case SimpleType.STRUCT: {
          const fields = structFields(type);
          if (fields === undefined) {
            let json: unknown;
            try {
              json = JSON.parse(typeof value === "string" ? value : "");
            } catch (e) {
              return fail(`expected a JSON object: ${e instanceof Error ? e.message : String(e)}`);
            }
            if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("expected a JSON object ({...})");
            return scalarLiteral({ case: "scalar", value: { value: { case: "generic", value: json as JsonObject } } as never });
          }
          const given = value !== null && typeof value === "object" && "fields" in value ? value.fields : {};
          const plain: Record<string, unknown> = {};
          for (const [name, fieldType] of Object.entries(fields)) {
            const fieldValue = given[name] ?? emptyValue(fieldType);
            // An optional field left as none is left out, as flytekit does.
            const p = plainOf(fieldValue, fieldType, `${path}.${name}`);
            if (p !== null || !isOptional(fieldType)) plain[name] = p;
          }
          // Sent as a generic Struct (flytekit reads it as well as its MessagePack form, and the
          // server types it STRUCT, as the input's type says).
          return scalarLiteral({ case: "scalar", value: { value: { case: "generic", value: plain as JsonObject } } as never });
        }
        default:
          return fail(`inputs of type ${typeName(type)} cannot be given in the console yet`);
      }
    }
    case "enumType": {
      const text = typeof value === "string" ? value : "";
      if (!t.value.values.includes(text)) return fail(`expected one of ${t.value.values.join(", ")}, got '${text}'`);
      return prim({ case: "stringValue", value: text });
    }
    case "collectionType": {
      if (!Array.isArray(value)) return fail("expected a list");
      return create(LiteralSchema, { value: { case: "collection", value: { literals: value.map((v, i) => literalOf(v, t.value, `${path}[${i}]`)) } } });
    }
    case "mapValueType": {
      const entries = mapEntries(value) ?? fail("expected key/value pairs");
      const literals: Record<string, Literal> = {};
      for (const [k, v] of entries) {
        if (k === "") fail("a map key is empty");
        if (k in literals) fail(`the key '${k}' is given twice`);
        literals[k] = literalOf(v, t.value, `${path}["${k}"]`);
      }
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "blob":
    case "structuredDatasetType": {
      const uri = typeof value === "string" ? value.trim() : "";
      const local = takesOneFile(type) ? "file" : "folder";
      if (uri === "") return fail(`choose a local ${local} to upload or give the URI of a ${typeName(type)} in the server's store`);
      if (!URI.test(uri)) return fail(`expected a URI such as http://<server>/download/..., got '${uri}' (a local ${local} is picked with the ${local} button, not typed)`);
      if (t.case === "structuredDatasetType") {
        return scalarLiteral({ case: "scalar", value: { value: { case: "structuredDataset", value: { uri, metadata: { structuredDatasetType: t.value } } } } } as never);
      }
      const metadata = { type: { format: t.value.format, dimensionality: t.value.dimensionality } };
      return scalarLiteral({ case: "scalar", value: { value: { case: "blob", value: { uri, metadata } } } } as never);
    }
    case "unionType": {
      const choice = value !== null && typeof value === "object" && "variant" in value ? value : fail("choose a type");
      const variant = t.value.variants[choice.variant] ?? fail("choose a type");
      const inner = literalOf(choice.value, variant, path);
      return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value: inner, type: variant } } } } });
    }
    default:
      return fail(`inputs of type ${typeName(type)} cannot be given in the console yet`);
  }
}
