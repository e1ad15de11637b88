/**
 * Moving between an entity's output form (none / single / positional / named) and the record of
 * output variables that literal maps are made of.
 */
import type { CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { isPlainObject, type Signature } from "./signature.ts";

/** What a task or workflow returned, as `{ o0: ..., name: ... }`; checks the form. */
export function outputsToRecord(entity: CallableEntity, returned: unknown): Record<string, unknown> {
  const sig = entity.signature;
  const what = `${entity.kind} '${entity.name}'`;
  switch (sig.outputForm) {
    case "none":
      if (returned !== undefined) {
        throw new FlyteError("E_OUTPUT_BINDING", `${what} declares no outputs but returned a value; declare 'outputs' or return nothing.`);
      }
      return {};
    case "single":
      return { o0: returned };
    case "positional": {
      if (!Array.isArray(returned) || returned.length !== sig.outputNames.length) {
        throw new FlyteError(
          "E_OUTPUT_BINDING",
          `${what} declares ${sig.outputNames.length} positional outputs and must return an array of that length; got ${describe(returned)}.`,
        );
      }
      const record: Record<string, unknown> = {};
      sig.outputNames.forEach((name, i) => {
        record[name] = returned[i] as unknown;
      });
      return record;
    }
    case "named": {
      if (!isPlainObject(returned)) {
        throw new FlyteError(
          "E_OUTPUT_BINDING",
          `${what} declares named outputs (${sig.outputNames.join(", ")}) and must return an object with them; got ${describe(returned)}.`,
        );
      }
      for (const key of Object.keys(returned)) {
        if (!(key in sig.outputs)) {
          throw new FlyteError("E_OUTPUT_BINDING", `${what} returned '${key}', which is not a declared output (${sig.outputNames.join(", ")}).`);
        }
      }
      return returned;
    }
  }
}

/** Native outputs as a local caller receives them: undefined, a value, an array or an object. */
export function shapeNativeOutputs(sig: Signature, record: Record<string, unknown>): unknown {
  switch (sig.outputForm) {
    case "none":
      return undefined;
    case "single":
      return record["o0"];
    case "positional":
      return sig.outputNames.map((n) => record[n]);
    case "named":
      return record;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value) ?? ""}`;
}
