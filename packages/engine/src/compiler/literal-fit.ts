/**
 * Whether a constant (a `Scalar` bound directly to an input) fits the input's type. Mirrors the
 * Flyte backend: the literal's own kind must match exactly, so an integer constant does not fit a
 * FLOAT input.
 */
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { Scalar } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, UnionTypeSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { create } from "@bufbuild/protobuf";
import type { DiagnosticCode } from "./diagnostics.ts";
import { isCastable } from "./castable.ts";
import { typeText } from "./type-text.ts";

/** Outcome of fitting a constant to a type. */
export type Fit = { readonly ok: true } | { readonly ok: false; readonly code: DiagnosticCode; readonly message: string };

const OK: Fit = { ok: true };

const PRIMITIVE_KIND = {
  integer: SimpleType.INTEGER,
  floatValue: SimpleType.FLOAT,
  stringValue: SimpleType.STRING,
  boolean: SimpleType.BOOLEAN,
  datetime: SimpleType.DATETIME,
  duration: SimpleType.DURATION,
} as const;

/** Checks a scalar constant against `expected`. Union inputs need exactly one variant to fit. */
export function scalarFits(scalar: Scalar, expected: LiteralType): Fit {
  const v = scalar.value;
  if (v.case === undefined) return { ok: false, code: "E_INVALID_BINDING", message: "the constant is empty" };
  if (v.case === "union") {
    // A union literal says which variant it holds; that variant's type must cast to the input.
    const held = v.value.type;
    if (held === undefined) return { ok: false, code: "E_INVALID_BINDING", message: "the union constant does not say its type" };
    const wrapped = create(LiteralTypeSchema, {
      type: { case: "unionType", value: create(UnionTypeSchema, { variants: [held] }) },
    });
    return isCastable(wrapped, expected)
      ? OK
      : mismatch(`is bound to a union value of type ${typeText(held)}`);
  }
  const e = expected.type;
  if (e.case === "unionType") {
    const fitting = e.value.variants.filter((variant) => scalarFits(scalar, variant).ok);
    if (fitting.length === 1) return OK;
    if (fitting.length > 1) {
      return mismatch(
        `${scalarText(scalar)} fits more than one variant of ${typeText(expected)} (${fitting.map(typeText).join(", ")}); wrap it in a union literal that names its type`,
      );
    }
    return mismatch(`${scalarText(scalar)} fits none of the variants of ${typeText(expected)}`);
  }
  return plainFits(scalar, expected);
}

function plainFits(scalar: Scalar, expected: LiteralType): Fit {
  const v = scalar.value;
  const e = expected.type;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      if (p.case === undefined) return { ok: false, code: "E_INVALID_BINDING", message: "the primitive constant is empty" };
      const kind = PRIMITIVE_KIND[p.case];
      if (e.case === "enumType" && p.case === "stringValue") {
        return e.value.values.includes(p.value)
          ? OK
          : {
              ok: false,
              code: "E_ILLEGAL_ENUM_VALUE",
              message: `${JSON.stringify(p.value)} is not one of the allowed values ${e.value.values.map((x) => JSON.stringify(x)).join(", ")}`,
            };
      }
      return e.case === "simple" && e.value === kind ? OK : mismatchOf(scalar, expected);
    }
    case "noneType":
      // Structured datasets are nullable in Flyte.
      return isSimple(expected, SimpleType.NONE) || e.case === "structuredDatasetType" ? OK : mismatchOf(scalar, expected);
    case "blob": {
      const blobType = v.value.metadata?.type;
      if (blobType === undefined) return e.case === "blob" ? OK : mismatchOf(scalar, expected);
      return isCastable(create(LiteralTypeSchema, { type: { case: "blob", value: blobType } }), expected)
        ? OK
        : mismatchOf(scalar, expected);
    }
    case "binary":
      // Structs (dataclasses, dicts) travel as msgpack-encoded binary values.
      return isSimple(expected, SimpleType.BINARY) || isSimple(expected, SimpleType.STRUCT) ? OK : mismatchOf(scalar, expected);
    case "generic":
      return isSimple(expected, SimpleType.STRUCT) ? OK : mismatchOf(scalar, expected);
    case "error":
      return isSimple(expected, SimpleType.ERROR) ? OK : mismatchOf(scalar, expected);
    case "schema": {
      const st = v.value.type;
      if (st === undefined) return e.case === "schema" ? OK : mismatchOf(scalar, expected);
      return isCastable(create(LiteralTypeSchema, { type: { case: "schema", value: st } }), expected)
        ? OK
        : mismatchOf(scalar, expected);
    }
    case "structuredDataset": {
      const st = v.value.metadata?.structuredDatasetType;
      if (st === undefined) return e.case === "structuredDatasetType" ? OK : mismatchOf(scalar, expected);
      return isCastable(create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: st } }), expected)
        ? OK
        : mismatchOf(scalar, expected);
    }
    case "union":
    case undefined:
      // Handled by scalarFits before dispatching here.
      return scalarFits(scalar, expected);
  }
}

function isSimple(t: LiteralType, s: SimpleType): boolean {
  return t.type.case === "simple" && t.type.value === s;
}

function mismatch(message: string): Fit {
  return { ok: false, code: "E_MISMATCHING_TYPES", message };
}

function mismatchOf(scalar: Scalar, expected: LiteralType): Fit {
  const v = scalar.value;
  const intForFloat = v.case === "primitive" && v.value.value.case === "integer" && isSimple(expected, SimpleType.FLOAT);
  // Local code often passes `1` where `1.0` is meant; say why the backend refuses it.
  const hint = intForFloat ? " (integers are not converted to floats; bind a FLOAT constant)" : "";
  return mismatch(`is bound to ${scalarText(scalar)}${hint}`);
}

/** Describes a constant for messages, e.g. `the INTEGER constant 3`. */
export function scalarText(scalar: Scalar): string {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer":
          return `the INTEGER constant ${p.value.toString()}`;
        case "floatValue":
          return `the FLOAT constant ${String(p.value)}`;
        case "stringValue":
          return `the STRING constant ${JSON.stringify(p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value)}`;
        case "boolean":
          return `the BOOLEAN constant ${String(p.value)}`;
        case "datetime":
          return "a DATETIME constant";
        case "duration":
          return "a DURATION constant";
        case undefined:
          return "an empty primitive";
      }
      break;
    }
    case "noneType":
      return "the constant none";
    case "blob":
      return `the blob ${v.value.uri}`;
    case "binary":
      return "a binary constant";
    case "generic":
      return "a struct constant";
    case "error":
      return "an error constant";
    case "schema":
      return `the schema ${v.value.uri}`;
    case "structuredDataset":
      return `the structured dataset ${v.value.uri}`;
    case "union":
      return "a union constant";
    case undefined:
      return "an empty constant";
  }
}
