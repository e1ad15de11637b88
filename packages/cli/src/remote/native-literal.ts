/**
 * A native value (as `parseInputValue` returns it) as a literal of a given Flyte type: what
 * `flyte signal` sends, where only the signal's type is known (no SDK schema).
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { describeType } from "flytekit/internal";

/** `value` as a literal of `type`; throws an Error naming the type when it does not fit. */
export function literalOf(value: unknown, type: LiteralType): Literal {
  const t = type.type;
  const fail = (): never => {
    throw new Error(`${JSON.stringify(value)} is not a value of type ${describeType(type)}`);
  };
  const primitive = (p: Literal extends never ? never : object): Literal =>
    create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: p as never } } } } });
  switch (t.case) {
    case "simple":
      switch (t.value) {
        case SimpleType.INTEGER:
          return typeof value === "number" && Number.isInteger(value) ? primitive({ case: "integer", value: BigInt(value) }) : fail();
        case SimpleType.FLOAT:
          return typeof value === "number" ? primitive({ case: "floatValue", value }) : fail();
        case SimpleType.STRING:
          return typeof value === "string" ? primitive({ case: "stringValue", value }) : fail();
        case SimpleType.BOOLEAN:
          return typeof value === "boolean" ? primitive({ case: "boolean", value }) : fail();
        case SimpleType.DATETIME:
          return value instanceof Date ? primitive({ case: "datetime", value: timestampFromDate(value) }) : fail();
        case SimpleType.DURATION:
          return typeof value === "number" ? primitive({ case: "duration", value: durationFromMs(value) }) : fail();
        case SimpleType.NONE:
          return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
        case SimpleType.STRUCT:
          return typeof value === "object" && value !== null && !Array.isArray(value)
            ? create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "generic", value: value as never } } } })
            : fail();
        default:
          return fail();
      }
    case "collectionType":
      return Array.isArray(value) ? create(LiteralSchema, { value: { case: "collection", value: { literals: value.map((v) => literalOf(v, t.value)) } } }) : fail();
    case "mapValueType":
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? create(LiteralSchema, { value: { case: "map", value: { literals: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalOf(v, t.value)])) } } })
        : fail();
    case "unionType": {
      for (const variant of t.value.variants) {
        try {
          const inner = literalOf(value, variant);
          return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value: inner, type: variant } } } } });
        } catch {
          // try the next variant
        }
      }
      return fail();
    }
    default:
      throw new Error(`values of type ${describeType(type)} cannot be given on the command line yet`);
  }
}
