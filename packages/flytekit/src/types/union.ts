/**
 * `z.union([...])`, `.optional()` and `.nullable()` map to Flyte union types. Nested unions are
 * flattened (as Python's `Optional[Union[A, B]]` is), every variant carries flytekit's tag, and
 * values travel as `Scalar.union{value, type}` naming the chosen variant.
 */
import { clone, create } from "@bufbuild/protobuf";
import { z } from "zod";
import { UnionSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { type LiteralType, LiteralTypeSchema, TypeStructureSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { type Codec, hasChecks, PathError, scalarLiteral } from "./codec.ts";
import { describeLiteral, describeType, describeValue } from "./describe.ts";
import { noneCodec } from "./primitives.ts";

/** A copy of a variant's type with flytekit's tag in `structure` (which flytekit replaces wholesale). */
function tagged(codec: Codec): LiteralType {
  const lt = clone(LiteralTypeSchema, codec.literalType);
  lt.structure = create(TypeStructureSchema, { tag: codec.tag });
  return lt;
}

/** Whether a variant accepts an already-validated value; the quick test may be stricter than zod. */
function accepts(codec: Codec, value: unknown): boolean {
  return codec.quickCheck?.(value) === true || codec.schema.safeParse(value).success;
}

/**
 * A codec for a union of `parts`. `wrapper` is set for `.optional()` (`{ value: undefined }`) and
 * `.nullable()` (`{ value: null }`): it adds a none variant and decides what a none reads back as.
 */
export function unionCodec(schema: z.ZodType, parts: readonly Codec[], wrapper?: { value: null | undefined }): Codec {
  const flat = parts.flatMap((p) => p.variants ?? [p]);
  const options = flat.filter((c) => c.none === undefined);
  const firstNone = flat.find((c) => c.none !== undefined);
  const hasNone = wrapper !== undefined || firstNone !== undefined;
  const noneValue = wrapper !== undefined ? wrapper.value : firstNone?.none?.value;
  const noneVariant = hasNone ? noneCodec(noneValue === null ? z.null() : z.undefined(), noneValue) : undefined;

  if (options.length === 0 && noneVariant !== undefined) return noneVariant;
  const only = options[0];
  if (options.length === 1 && noneVariant === undefined && only !== undefined) return only;

  const variants = noneVariant === undefined ? options : [...options, noneVariant];
  const taggedTypes = variants.map(tagged);
  const literalType = create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: taggedTypes } } });
  const described = taggedTypes.map(describeType);
  const shown = describeType(literalType);

  const quicks = options.map((o) => o.quickCheck);
  let quickCheck: Codec["quickCheck"];
  if (!hasChecks(schema) && quicks.every((q) => q !== undefined)) {
    // Which none values the whole schema takes; asked of zod once, here, instead of per value.
    // Without checks on the union no user code runs, so these parses cannot throw.
    const takesUndefined = schema.safeParse(undefined).success;
    const takesNull = schema.safeParse(null).success;
    quickCheck = (v) => (v === undefined ? takesUndefined : v === null ? takesNull : quicks.some((q) => q(v)));
  }

  function choose(value: unknown): number {
    if (options.length === 1) return 0;
    const matches: number[] = [];
    options.forEach((o, i) => {
      if (accepts(o, value)) matches.push(i);
    });
    if (matches.length === 1) return matches[0] as number;
    if (matches.length === 0) throw new PathError(`${describeValue(value)} matches no variant of ${shown}`);
    const names = matches.map((i) => described[i]).join(", ");
    throw new PathError(
      `${describeValue(value)} is ambiguous for ${shown}: it matches ${matches.length} variants (${names}); ` +
        "make the variants disjoint, e.g. with a discriminator field",
    );
  }

  function wrap(index: number, inner: Literal): Literal {
    return scalarLiteral({ case: "union", value: create(UnionSchema, { value: inner, type: taggedTypes[index] }) });
  }

  function isNoneLiteral(l: Literal): boolean {
    return l.value.case === "scalar" && l.value.value.value.case === "noneType";
  }

  /** Decodes with the first variant that takes the literal, preferring those the writer named. */
  function decodeInner(inner: Literal, type: LiteralType | undefined): unknown {
    if (isNoneLiteral(inner) && hasNone) return noneValue;
    let order = options.map((_, i) => i);
    if (type !== undefined) {
      const tag = type.structure?.tag ?? "";
      const byTag = tag === "" ? [] : order.filter((i) => variants[i]?.tag === tag);
      if (byTag.length > 0) order = byTag;
      const want = describeType(type);
      order = [...order.filter((i) => described[i] === want), ...order.filter((i) => described[i] !== want)];
    }
    // Variants can share a shape on the wire (two structs), so a reading must also pass the
    // variant's schema; failing that, the first reading lets zod report the precise issue.
    let fallback: { value: unknown } | undefined;
    let first: PathError | undefined;
    for (const i of order) {
      const o = options[i] as Codec;
      try {
        const v = o.decode(inner);
        if (accepts(o, v)) return v;
        fallback ??= { value: v };
      } catch (e) {
        if (!(e instanceof PathError)) throw e;
        first ??= e;
      }
    }
    if (fallback !== undefined) return fallback.value;
    throw new PathError(`${describeLiteral(inner)} fits no variant of ${shown}${first ? ` (${first.detail})` : ""}`);
  }

  return {
    schema,
    literalType,
    tag: "Typed Union",
    quickCheck,
    variants,
    encode: (value) => {
      if ((value === undefined || value === null) && noneVariant !== undefined) {
        return wrap(variants.length - 1, noneVariant.encode(value));
      }
      const i = choose(value);
      return wrap(i, (options[i] as Codec).encode(value));
    },
    decode: (literal) => {
      const s = literal.value.case === "scalar" ? literal.value.value.value : undefined;
      if (s?.case === "union") {
        if (s.value.value === undefined) throw new PathError("the union literal holds no value");
        return decodeInner(s.value.value, s.value.type);
      }
      // Values written without the union wrapper (e.g. by hand or by older SDKs) are still readable.
      return decodeInner(literal, undefined);
    },
    toPlain: (value) => {
      if ((value === undefined || value === null) && hasNone) return null;
      return (options[choose(value)] as Codec).toPlain(value);
    },
    fromPlain: (plain) => {
      if ((plain === undefined || plain === null) && hasNone) return noneValue;
      let fallback: { value: unknown } | undefined;
      let first: PathError | undefined;
      for (const o of options) {
        try {
          const v = o.fromPlain(plain);
          if (accepts(o, v)) return v;
          fallback ??= { value: v };
        } catch (e) {
          if (!(e instanceof PathError)) throw e;
          first ??= e;
        }
      }
      // No variant validates it: hand back the closest reading so zod reports the precise issue.
      if (fallback !== undefined) return fallback.value;
      throw new PathError(`${describeValue(plain)} fits no variant of ${shown}${first ? ` (${first.detail})` : ""}`);
    },
  };
}
