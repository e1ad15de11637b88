/**
 * `z.array(T)` maps to a Flyte collection and `z.record(z.string(), T)` to a Flyte map.
 */
import { create } from "@bufbuild/protobuf";
import type { z } from "zod";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import {
  type Codec,
  type CompileChild,
  defOf,
  hasChecks,
  keyStep,
  PathError,
  UnsupportedSchemaError,
  withStep,
} from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";

/** A codec for `z.array(T)`. */
export function arrayCodec(schema: z.ZodType, compileChild: CompileChild): Codec {
  const elementSchema = defOf(schema).element;
  if (elementSchema === undefined) throw new UnsupportedSchemaError("array", "give the array an element schema");
  const el = compileChild(elementSchema, "[]");
  const elQuick = el.quickCheck;
  const quickCheck =
    elQuick === undefined || hasChecks(schema)
      ? undefined
      : (v: unknown) => Array.isArray(v) && v.every((x) => elQuick(x));

  function mapItems<T>(items: readonly unknown[], fn: (item: unknown) => T): T[] {
    const out = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) {
      try {
        out[i] = fn(items[i]);
      } catch (e) {
        throw withStep(e, `[${i}]`);
      }
    }
    return out;
  }

  return {
    schema,
    literalType: create(LiteralTypeSchema, { type: { case: "collectionType", value: el.literalType } }),
    tag: "Typed List",
    quickCheck,
    encode: (v) =>
      create(LiteralSchema, { value: { case: "collection", value: { literals: mapItems(v as unknown[], el.encode) } } }),
    decode: (literal) => {
      if (literal.value.case !== "collection") {
        throw new PathError(`expected a collection literal, got ${describeLiteral(literal)}`);
      }
      return mapItems(literal.value.value.literals, (l) => el.decode(l as Literal));
    },
    toPlain: (v) => mapItems(v as unknown[], el.toPlain),
    fromPlain: (plain) => {
      if (!Array.isArray(plain)) throw new PathError(`expected an array, got ${describeValue(plain)}`);
      return mapItems(plain, el.fromPlain);
    },
  };
}

/** Whether a value is a plain object (`{}` or `Object.create(null)`), not an array or class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function mapEntries<T>(obj: Readonly<Record<string, unknown>>, fn: (item: unknown) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(obj)) {
    try {
      const mapped = fn(obj[key]);
      // defineProperty keeps a key named "__proto__" an own entry instead of a prototype change.
      if (key === "__proto__") Object.defineProperty(out, key, { value: mapped, enumerable: true, writable: true, configurable: true });
      else out[key] = mapped;
    } catch (e) {
      throw withStep(e, keyStep(key));
    }
  }
  return out;
}

/** A codec for `z.record(z.string(), T)` (string or enum keys). */
export function recordCodec(schema: z.ZodType, compileChild: CompileChild): Codec {
  const def = defOf(schema);
  const keyType = def.keyType === undefined ? undefined : defOf(def.keyType).type;
  if (keyType !== "string" && keyType !== "enum") {
    throw new UnsupportedSchemaError(
      "record",
      `Flyte maps have string keys, but this record's keys are '${keyType ?? "unknown"}'; use z.record(z.string(), T)`,
    );
  }
  if (def.valueType === undefined) throw new UnsupportedSchemaError("record", "give the record a value schema");
  const val = compileChild(def.valueType, "[key]");
  const valQuick = val.quickCheck;
  const plainKeys = keyType === "string" && def.keyType !== undefined && !hasChecks(def.keyType) && defOf(def.keyType).format === undefined;
  const quickCheck =
    valQuick === undefined || !plainKeys || hasChecks(schema)
      ? undefined
      : (v: unknown) => isPlainObject(v) && Object.values(v).every((x) => valQuick(x));

  return {
    schema,
    literalType: create(LiteralTypeSchema, { type: { case: "mapValueType", value: val.literalType } }),
    tag: "Typed Dict",
    quickCheck,
    encode: (v) =>
      create(LiteralSchema, { value: { case: "map", value: { literals: mapEntries(v as Record<string, unknown>, val.encode) } } }),
    decode: (literal) => {
      if (literal.value.case !== "map") throw new PathError(`expected a map literal, got ${describeLiteral(literal)}`);
      return mapEntries(literal.value.value.literals, (l) => val.decode(l as Literal));
    },
    toPlain: (v) => mapEntries(v as Record<string, unknown>, val.toPlain),
    fromPlain: (plain) => {
      if (!isPlainObject(plain)) throw new PathError(`expected an object, got ${describeValue(plain)}`);
      return mapEntries(plain, val.fromPlain);
    },
  };
}
