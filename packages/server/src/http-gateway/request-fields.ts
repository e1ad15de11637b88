/**
 * Fills request fields from strings, as FlyteAdmin's gateway (grpc-gateway) does for path
 * variables and query parameters: a dotted path (`id.project`, `sort_by.direction`) walks into
 * nested messages, creating them; scalars are parsed by type (64-bit integers, booleans, bytes
 * in base64), enums by name or number; a repeated field takes one value per occurrence.
 */
import { ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { protoInt64 } from "@bufbuild/protobuf";

/** A value that does not fit its field; the gateway answers INVALID_ARGUMENT with the message. */
export class FieldValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldValueError";
  }
}

/**
 * Sets the field at `path` (proto or JSON names, dotted) of `message` to `value`. Returns false
 * when no such field exists (the gateway ignores unknown query parameters, as grpc-gateway does).
 *
 * @throws FieldValueError when the value does not parse as the field's type.
 */
export function setFieldPath(message: Message, schema: DescMessage, path: string, value: string): boolean {
  let target: ReflectMessage = reflect(schema, message);
  const names = path.split(".");
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    const field = findField(target.desc, name);
    if (field === undefined) return false;
    if (i < names.length - 1) {
      if (field.fieldKind !== "message") return false;
      if (!target.isSet(field)) target.set(field, reflect(field.message));
      target = target.get<typeof field>(field);
      continue;
    }
    switch (field.fieldKind) {
      case "scalar":
        target.set(field, parseScalar(field.scalar, value, path));
        return true;
      case "enum":
        target.set(field, parseEnum(field, value, path));
        return true;
      case "list": {
        const list = target.get(field);
        if (field.listKind === "scalar") list.add(parseScalar(field.scalar, value, path));
        else if (field.listKind === "enum") list.add(parseEnum(field, value, path));
        else return false;
        return true;
      }
      default:
        return false;
    }
  }
  return false;
}

function findField(desc: DescMessage, name: string): DescField | undefined {
  return desc.fields.find((f) => f.name === name || f.jsonName === name);
}

function parseEnum(field: DescField & { enum?: { values: readonly { name: string; number: number }[]; name: string } }, value: string, path: string): number {
  const values = field.enum?.values ?? [];
  const byName = values.find((v) => v.name === value);
  if (byName !== undefined) return byName.number;
  if (/^-?\d+$/.test(value)) return Number(value);
  throw new FieldValueError(`${path}: '${value}' is not a value of ${field.enum?.name ?? "the enum"} (${values.map((v) => v.name).join(", ")})`);
}

function parseScalar(type: ScalarType, value: string, path: string): unknown {
  const fail = (what: string): never => {
    throw new FieldValueError(`${path}: '${value}' is not ${what}`);
  };
  switch (type) {
    case ScalarType.STRING:
      return value;
    case ScalarType.BOOL:
      if (value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
      return fail("a boolean (true or false)");
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return /^-?\d+$/.test(value) ? protoInt64.parse(value) : fail("an integer");
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return /^\d+$/.test(value) ? protoInt64.uParse(value) : fail("a non-negative integer");
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return /^-?\d+$/.test(value) ? Number(value) : fail("an integer");
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const n = Number(value);
      return value.trim() !== "" && !Number.isNaN(n) ? n : fail("a number");
    }
    case ScalarType.BYTES:
      return new Uint8Array(Buffer.from(value, "base64"));
  }
}
