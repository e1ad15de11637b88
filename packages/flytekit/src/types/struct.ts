/**
 * `z.object({...})` maps to flytekit's dataclass form: a STRUCT type carrying the JSON schema,
 * per-field types for attribute access, and a msgpack body (`Binary{tag: "msgpack"}`).
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { z } from "zod";
import { BinarySchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { type LiteralType, LiteralTypeSchema, SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { type Codec, type CompileChild, defOf, keyStep, PathError, scalarLiteral, withStep } from "./codec.ts";
import { isPlainObject } from "./collections.ts";
import { describeLiteral, describeValue } from "./describe.ts";
import { isDurationSchema } from "./duration.ts";
import { decodeMsgpack, encodeMsgpack } from "./msgpack.ts";

/** The binary tag of msgpack struct bodies. */
export const MSGPACK_TAG = "msgpack";

/** flytekit marks msgpack-bodied structs so that cache keys are computed from the bytes' meaning. */
const MSGPACK_ANNOTATION: JsonObject = { "cache-key-metadata": { "serialization-format": MSGPACK_TAG } };

/**
 * The JSON schema of an object, describing the struct body as stored: dates as ISO strings and
 * durations as seconds, with the formats mashumaro uses for datetime and timedelta.
 */
export function structJsonSchema(schema: z.ZodType): JsonObject {
  const json = z.toJSONSchema(schema, {
    unrepresentable: "any",
    override: (ctx) => {
      const s = ctx.zodSchema as unknown as z.ZodType;
      if (defOf(s).type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      } else if (isDurationSchema(s)) {
        ctx.jsonSchema.type = "number";
        ctx.jsonSchema.format = "time-delta";
      }
    },
  });
  // A JSON round trip drops anything a protobuf Struct cannot hold (undefined entries).
  return JSON.parse(JSON.stringify(json)) as JsonObject;
}

interface Field {
  readonly name: string;
  readonly step: string;
  readonly codec: Codec;
}

/** A codec for `z.object({...})`. */
export function objectCodec(schema: z.ZodType, compileChild: CompileChild): Codec {
  const shape = defOf(schema).shape ?? {};
  const fields: Field[] = Object.keys(shape).map((name) => {
    const step = keyStep(name);
    return { name, step, codec: compileChild(shape[name] as z.ZodType, step) };
  });
  const dataclassType: Record<string, LiteralType> = {};
  for (const f of fields) dataclassType[f.name] = f.codec.literalType;

  const literalType = create(LiteralTypeSchema, {
    type: { case: "simple", value: SimpleType.STRUCT },
    metadata: structJsonSchema(schema),
    structure: { tag: "", dataclassType },
    annotation: { annotations: MSGPACK_ANNOTATION },
  });

  function toPlain(value: unknown): unknown {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = obj[f.name];
      // Absent optional fields stay absent, which keeps the body valid against the JSON schema.
      if (v === undefined) continue;
      try {
        out[f.name] = f.codec.toPlain(v);
      } catch (e) {
        throw withStep(e, f.step);
      }
    }
    return out;
  }

  function fromPlain(plain: unknown): unknown {
    if (!isPlainObject(plain)) throw new PathError(`expected an object, got ${describeValue(plain)}`);
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!Object.hasOwn(plain, f.name)) continue;
      try {
        const v = f.codec.fromPlain(plain[f.name]);
        if (v !== undefined) out[f.name] = v;
      } catch (e) {
        throw withStep(e, f.step);
      }
    }
    return out;
  }

  return {
    schema,
    literalType,
    tag: "Object-Dataclass-Transformer",
    quickCheck: undefined,
    encode: (v) =>
      scalarLiteral({ case: "binary", value: create(BinarySchema, { value: encodeMsgpack(toPlain(v)), tag: MSGPACK_TAG }) }),
    decode: (literal: Literal) => {
      const s = literal.value.case === "scalar" ? literal.value.value.value : undefined;
      if (s?.case === "binary") {
        if (s.value.tag !== MSGPACK_TAG) {
          throw new PathError(`expected a msgpack struct body, got a binary literal tagged "${s.value.tag}"`);
        }
        let body: unknown;
        try {
          body = decodeMsgpack(s.value.value);
        } catch (e) {
          throw new PathError(`the struct body is not valid msgpack (${(e as Error).message})`);
        }
        return fromPlain(body);
      }
      // flytekit's older dataclass form: a google.protobuf.Struct.
      if (s?.case === "generic") return fromPlain(s.value);
      throw new PathError(`expected a struct literal (msgpack binary or generic), got ${describeLiteral(literal)}`);
    },
    toPlain,
    fromPlain,
  };
}
