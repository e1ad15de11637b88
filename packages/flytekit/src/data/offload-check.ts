/**
 * Cheap tests run on every task boundary before the offloading code (offload.ts) is loaded: most
 * literals are small scalars that can never reach the threshold, and most inputs hold no
 * offloaded literal.
 */
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** Literals from this size (serialized bytes) are offloaded: Flyte's `min-size-in-mb-for-offloading` default. */
export const DEFAULT_OFFLOAD_MIN_BYTES = 10 * 1024 * 1024;

/** The offloading threshold: `FLYTE_OFFLOAD_MIN_BYTES`, else 10 MiB. */
export function offloadThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const text = env["FLYTE_OFFLOAD_MIN_BYTES"];
  const n = text !== undefined && text !== "" ? Number(text) : NaN;
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_OFFLOAD_MIN_BYTES;
}

/** Whether a literal holds an offloaded literal at any depth. */
export function hasOffloaded(literal: Literal): boolean {
  const v = literal.value;
  if (v.case === "offloadedMetadata") return true;
  if (v.case === "collection") return v.value.literals.some(hasOffloaded);
  if (v.case === "map") return Object.values(v.value.literals).some(hasOffloaded);
  return false;
}

/** Whether any literal of `map` is offloaded (at any depth). */
export function hasOffloadedLiterals(map: LiteralMap): boolean {
  return Object.values(map.literals).some(hasOffloaded);
}

/**
 * Whether some literal of `map` might reach `threshold` bytes (only containers and long strings or
 * binaries can). The threshold (an environment read) is read only for a binary or a string: most
 * outputs are numbers and booleans, and every attempt's outputs pass here.
 */
export function mayNeedOffload(map: LiteralMap, threshold?: number): boolean {
  const limit = (): number => (threshold ??= offloadThreshold());
  for (const literal of Object.values(map.literals)) {
    const v = literal.value;
    if (v.case === "collection" || v.case === "map") return true;
    if (v.case !== "scalar") continue;
    const s = v.value.value;
    if (s.case === "binary" && s.value.value.byteLength >= limit()) return true;
    if (s.case === "generic") return true;
    if (s.case === "primitive" && s.value.value.case === "stringValue" && s.value.value.value.length * 3 >= limit()) return true;
  }
  return false;
}
