/**
 * Attribute paths on promises (`out.field`, `out[0]`, `out["key"]`): flyteidl
 * `OutputReference.attr_path`, applied when a downstream node's inputs are built.
 *
 * Collections are indexed by number and maps by key, literal by literal. When the walk reaches a
 * scalar holding a struct, the rest of the path is applied inside the struct: a generic
 * (`google.protobuf.Struct`) struct is walked as JSON; msgpack binary structs are not supported yet.
 */
import { create, type JsonValue } from "@bufbuild/protobuf";
import {
  LiteralSchema,
  type Literal,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { PromiseAttribute } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { BindingResolutionError } from "./binding-resolution-error.ts";

/** Applies `path` to `literal`; `where` names the promise in error messages. */
export function applyAttrPath(
  literal: Literal,
  path: readonly PromiseAttribute[],
  where: string,
): Literal {
  let current = literal;
  for (let i = 0; i < path.length; i++) {
    const attr = path[i] as PromiseAttribute;
    const value = current.value;
    if (value.case === "collection") {
      const index = expectIndex(attr, where, i);
      const items = value.value.literals;
      const next = items[index];
      if (next === undefined) {
        throw new BindingResolutionError(
          `${where}: index ${index} is out of range of a collection of ${items.length} item(s) ` +
            `(attribute ${i + 1} of the path).`,
        );
      }
      current = next;
    } else if (value.case === "map") {
      const key = expectKey(attr, where, i);
      const next = value.value.literals[key];
      if (next === undefined) {
        throw new BindingResolutionError(
          `${where}: key "${key}" does not exist; the map has keys ${listKeys(value.value.literals)} ` +
            `(attribute ${i + 1} of the path).`,
        );
      }
      current = next;
    } else if (value.case === "scalar") {
      return applyPathInScalar(current, path.slice(i), where);
    } else {
      throw new BindingResolutionError(
        `${where}: cannot apply attribute ${describeAttr(attr)} to a ${value.case ?? "empty"} literal.`,
      );
    }
  }
  return current;
}

function applyPathInScalar(literal: Literal, path: readonly PromiseAttribute[], where: string): Literal {
  const scalar = literal.value.case === "scalar" ? literal.value.value.value : undefined;
  if (scalar?.case === "generic") return jsonToLiteral(walkJson(scalar.value, path, where), where);
  if (scalar?.case === "binary") {
    throw new BindingResolutionError(
      `${where}: attribute access inside a binary ("${scalar.value.tag}") struct is not supported ` +
        "yet; pass the whole value to the task and read the field there.",
    );
  }
  throw new BindingResolutionError(
    `${where}: cannot apply attribute ${describeAttr(path[0])} to a ${scalar?.case ?? "empty"} scalar; ` +
      "only collections, maps and structs have attributes.",
  );
}

function walkJson(root: JsonValue, path: readonly PromiseAttribute[], where: string): JsonValue {
  let current = root;
  for (const attr of path) {
    if (Array.isArray(current)) {
      const index = expectIndex(attr, where, -1);
      const next = current[index];
      if (next === undefined) {
        throw new BindingResolutionError(
          `${where}: index ${index} is out of range of a struct list of ${current.length} item(s).`,
        );
      }
      current = next;
    } else if (typeof current === "object" && current !== null) {
      const key = expectKey(attr, where, -1);
      if (!Object.hasOwn(current, key)) {
        throw new BindingResolutionError(
          `${where}: field "${key}" does not exist in the struct; it has ${listKeys(current)}.`,
        );
      }
      current = current[key] as JsonValue;
    } else {
      throw new BindingResolutionError(
        `${where}: cannot apply attribute ${describeAttr(attr)} to the struct value ${JSON.stringify(current)}.`,
      );
    }
  }
  return current;
}

/**
 * A JSON value from inside a struct, as a literal. Numbers become floats, as in Flyte: a
 * `google.protobuf.Struct` does not distinguish integers from floats.
 */
function jsonToLiteral(value: JsonValue, where: string): Literal {
  if (Array.isArray(value)) {
    return create(LiteralSchema, {
      value: { case: "collection", value: { literals: value.map((item) => jsonToLiteral(item, where)) } },
    });
  }
  if (value === null) {
    return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
  }
  switch (typeof value) {
    case "object":
      return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "generic", value } } } });
    case "string":
      return primitive({ case: "stringValue", value });
    case "number":
      return primitive({ case: "floatValue", value });
    case "boolean":
      return primitive({ case: "boolean", value });
  }
}

function primitive(
  value: { case: "stringValue"; value: string } | { case: "floatValue"; value: number } | { case: "boolean"; value: boolean },
): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value } } } } });
}

function expectIndex(attr: PromiseAttribute, where: string, position: number): number {
  if (attr.value.case === "intValue") return attr.value.value;
  throw new BindingResolutionError(
    `${where}: a list needs a numeric index but the path has ${describeAttr(attr)}${at(position)}.`,
  );
}

function expectKey(attr: PromiseAttribute, where: string, position: number): string {
  if (attr.value.case === "stringValue") return attr.value.value;
  throw new BindingResolutionError(
    `${where}: a map or struct needs a string key but the path has ${describeAttr(attr)}${at(position)}.`,
  );
}

function at(position: number): string {
  return position < 0 ? "" : ` (attribute ${position + 1} of the path)`;
}

function describeAttr(attr: PromiseAttribute | undefined): string {
  if (attr?.value.case === "intValue") return `[${attr.value.value}]`;
  if (attr?.value.case === "stringValue") return `["${attr.value.value}"]`;
  return "(empty attribute)";
}

function listKeys(record: object): string {
  const keys = Object.keys(record);
  return keys.length === 0 ? "no keys" : keys.map((k) => `"${k}"`).join(", ");
}
