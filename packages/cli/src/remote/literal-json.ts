/**
 * Outputs of remote executions as JSON: as natives (exactly what local `flyte run --json` prints)
 * when the entity is loaded, else a direct rendering of the literals.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Literal, LiteralMap, Scalar } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { transformerFor, type CallableEntity } from "flytekit/internal";
import { toJsonValue } from "../json-value.ts";

/** Output (or input) literals keyed by name, as JSON values; natives when `entity` is given. */
export function literalMapToJson(map: LiteralMap | undefined, entity?: CallableEntity, side: "input" | "output" = "output"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const schemas = entity === undefined ? undefined : side === "output" ? entity.signature.outputs : entity.signature.inputs;
  for (const [name, literal] of Object.entries(map?.literals ?? {})) {
    const schema = schemas?.[name];
    if (schema !== undefined) {
      const context = { entity: entity!.name, side, variable: name };
      try {
        out[name] = toJsonValue(transformerFor(schema, context).fromLiteral(literal, context));
        continue;
      } catch {
        // The registered entity may differ from the local file; show the literal as it is.
      }
    }
    out[name] = literalToJson(literal);
  }
  return out;
}

/** A literal as a JSON value: primitives as themselves, collections as arrays, maps as objects. */
export function literalToJson(literal: Literal): unknown {
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return scalarToJson(v.value);
    case "collection":
      return v.value.literals.map(literalToJson);
    case "map":
      return Object.fromEntries(Object.entries(v.value.literals).map(([k, l]) => [k, literalToJson(l)]));
    case "offloadedMetadata":
      return { offloaded: v.value.uri };
    default:
      return null;
  }
}

function scalarToJson(scalar: Scalar): unknown {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer": {
          const n = Number(p.value);
          return Number.isSafeInteger(n) ? n : p.value.toString();
        }
        case "datetime":
          return timestampDate(p.value).toISOString();
        case "duration":
          return `${Number(p.value.seconds) + p.value.nanos / 1e9}s`;
        case undefined:
          return null;
        default:
          return p.value;
      }
    }
    case "noneType":
      return null;
    case "generic":
      return v.value;
    case "blob":
      return v.value.uri;
    case "structuredDataset":
      return v.value.uri;
    case "schema":
      return { uri: v.value.uri };
    case "union":
      return v.value.value === undefined ? null : literalToJson(v.value.value);
    case "error":
      return { error: v.value.message, node: v.value.failedNodeId };
    case "binary":
      return { binary: Buffer.from(v.value.value).toString("base64"), tag: v.value.tag };
    default:
      return null;
  }
}
