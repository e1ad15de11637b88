/**
 * Outputs of remote executions as JSON: as natives (exactly what local `flyte run --json` prints)
 * when the entity is loaded, else the literals as @flyte/idl renders them (shared with the console).
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { literalToJson } from "@flyte/idl/literal-json";
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
