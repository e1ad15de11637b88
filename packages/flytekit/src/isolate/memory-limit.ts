/**
 * `limits.mem` as an isolate's heap limits. Quantities are written as Kubernetes writes them
 * ("512Mi", "1Gi", "500M", "2G", or a number of bytes).
 */
import { FlyteError } from "../errors.ts";

const UNITS: Readonly<Record<string, number>> = {
  "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** The smallest cap accepted: below it flytekit and a task's modules cannot even load. */
export const MIN_MEMORY_MB = 32;

/**
 * Mebibytes of a memory quantity; throws a FlyteError naming `owner` when it cannot be read.
 *
 * @example memoryMbOf("512Mi", "task 't'") // 512
 */
export function memoryMbOf(quantity: string | number, owner: string): number {
  const text = String(quantity).trim();
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(text);
  const scale = match === null ? undefined : UNITS[match[2] ?? ""];
  if (match === null || scale === undefined) {
    throw new FlyteError("E_INVALID_DEFINITION", `${owner}: limits.mem '${text}' is not a memory quantity; write it as Kubernetes does, e.g. "512Mi" or "2Gi".`);
  }
  const mb = Math.floor((Number(match[1]) * scale) / 2 ** 20);
  if (mb < MIN_MEMORY_MB) {
    throw new FlyteError("E_INVALID_DEFINITION", `${owner}: limits.mem '${text}' is below the smallest limit of ${MIN_MEMORY_MB}Mi a task can run in.`);
  }
  return mb;
}

/** V8 heap limits whose sum is `mb`: a small young generation, the rest old generation. */
export function heapLimitsOf(mb: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  const young = Math.max(1, Math.min(16, Math.floor(mb / 8)));
  return { maxOldGenerationSizeMb: mb - young, maxYoungGenerationSizeMb: young };
}
