/**
 * An entity's signature as a flyteidl `TypedInterface`.
 */
import { create } from "@bufbuild/protobuf";
import { TypedInterfaceSchema, VariableSchema, type TypedInterface, type Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { SchemaShape, Signature } from "../signature.ts";
import { transformerFor } from "../types/index.ts";

/** Builds the typed interface of `entity` (named for error messages). */
export function typedInterfaceOf(entity: string, sig: Signature): TypedInterface {
  return create(TypedInterfaceSchema, {
    inputs: { variables: variablesOf(entity, "input", sig.inputs) },
    outputs: { variables: variablesOf(entity, "output", sig.outputs) },
  });
}

function variablesOf(entity: string, side: "input" | "output", shape: SchemaShape): Record<string, Variable> {
  const variables: Record<string, Variable> = {};
  for (const [name, schema] of Object.entries(shape)) {
    variables[name] = create(VariableSchema, {
      type: transformerFor(schema, { entity, side, variable: name }).literalType,
      description: schema.description ?? "",
    });
  }
  return variables;
}
