/**
 * The SDK's duration type. JavaScript has no duration class, so the native value is a number of
 * milliseconds; on the wire it is a `google.protobuf.Duration`, and inside a struct body it is a
 * number of seconds, as Python's mashumaro writes `timedelta`.
 */
import { create } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import { z } from "zod";
import { PrimitiveSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { type Codec, defOf, hasChecks, PathError, scalarLiteral, simpleType } from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";
import { Float64, primitiveOf } from "./primitives.ts";

/**
 * Marks duration schemas. zod's registries resolve a schema's `_zod.parent`, so a schema derived
 * with `.min()`, `.describe()` or `.refine()` is still recognised as a duration.
 */
const durations = z.registry<{ flyteType: "duration" }>();

/**
 * The SDK's duration type: native value is a number of milliseconds (fractions allowed), Flyte type
 * DURATION. Chain zod number checks as usual.
 *
 * @example
 * const t = task({ name: "wait", inputs: { d: duration().min(0) }, ... });
 */
export function duration(): z.ZodNumber {
  const schema = z.number();
  durations.add(schema, { flyteType: "duration" });
  return schema;
}

/** Whether a schema was made by `duration()` (or derived from one). */
export function isDurationSchema(schema: z.ZodType): boolean {
  return defOf(schema).type === "number" && durations.get(schema)?.flyteType === "duration";
}

const NANOS_PER_MS = 1_000_000;

/** Milliseconds to a Duration, keeping sub-millisecond precision down to nanoseconds. */
export function durationFromMillis(ms: number): Duration {
  const seconds = Math.trunc(ms / 1000);
  // Seconds and nanos must carry the same sign; trunc guarantees it.
  const nanos = Math.round((ms - seconds * 1000) * NANOS_PER_MS);
  return create(DurationSchema, { seconds: BigInt(seconds), nanos });
}

/** A Duration to milliseconds. */
export function millisFromDuration(d: Duration): number {
  return Number(d.seconds) * 1000 + d.nanos / NANOS_PER_MS;
}

function encode(value: unknown): Literal {
  const d = durationFromMillis(value as number);
  return scalarLiteral({ case: "primitive", value: create(PrimitiveSchema, { value: { case: "duration", value: d } }) });
}

function decode(literal: Literal): number {
  const p = primitiveOf(literal);
  if (p?.case === "duration") return millisFromDuration(p.value);
  throw new PathError(`expected a DURATION literal, got ${describeLiteral(literal)}`);
}

/** A codec for `duration()`. */
export function durationCodec(schema: z.ZodType): Codec {
  return {
    schema,
    literalType: simpleType(SimpleType.DURATION),
    tag: "timedelta",
    quickCheck: hasChecks(schema) ? undefined : (v) => typeof v === "number" && Number.isFinite(v),
    encode,
    decode,
    toPlain: (v) => new Float64((v as number) / 1000),
    fromPlain: (plain) => {
      if (typeof plain === "number" && Number.isFinite(plain)) return Math.round(plain * 1e9) / 1e6;
      throw new PathError(`expected a duration in seconds, got ${describeValue(plain)}`);
    },
  };
}
