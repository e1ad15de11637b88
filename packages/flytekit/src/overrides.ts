/**
 * Per-call node settings (`withOverrides`) and the resource shapes shared with task options.
 */
import { FlyteError } from "./errors.ts";
import { parseDuration, type DurationInput } from "./duration-text.ts";

/** CPU, memory and GPU quantities, as Kubernetes writes them ("500m", "2", "1Gi"). */
export interface Resources {
  readonly cpu?: string | number;
  readonly mem?: string;
  readonly gpu?: string | number;
}

/** Cache settings: `true` (version derived from the task's source and interface) or explicit. */
export type CacheOption =
  | boolean
  | {
      /** @default derived from the task's source and interface */
      readonly version?: string;
      /** Identical concurrent attempts wait for one to finish. @default false */
      readonly serialize?: boolean;
      /** Inputs left out of the cache key. @default [] */
      readonly ignoredInputs?: readonly string[];
    };

/** Settings for one call site, given to `.withOverrides()`. */
export interface NodeOverrides {
  /** Display name of the node. */
  readonly name?: string;
  readonly retries?: number;
  readonly timeout?: DurationInput;
  readonly cache?: CacheOption;
  readonly requests?: Resources;
  readonly limits?: Resources;
  readonly image?: string;
}

const KEYS = new Set(["name", "retries", "timeout", "cache", "requests", "limits", "image"]);

/** Checks overrides given at `nodeLabel`, merging them over `previous`. */
export function mergeOverrides(nodeLabel: string, previous: NodeOverrides, next: unknown): NodeOverrides {
  if (typeof next !== "object" || next === null || Array.isArray(next)) {
    throw new FlyteError("E_INVALID_DEFINITION", `withOverrides() on ${nodeLabel} takes one object, e.g. { retries: 2 }.`);
  }
  for (const [key, value] of Object.entries(next)) {
    if (!KEYS.has(key)) {
      throw new FlyteError(
        "E_INVALID_DEFINITION",
        `withOverrides() on ${nodeLabel}: unknown setting '${key}'; allowed: ${[...KEYS].join(", ")}.`,
      );
    }
    if (isPromiseLike(value)) {
      throw new FlyteError(
        "E_PROMISE_MISUSE",
        `withOverrides() on ${nodeLabel}: '${key}' must be a constant, not a promise; settings are fixed when the workflow is compiled.`,
      );
    }
  }
  const merged = { ...previous, ...(next as NodeOverrides) };
  if (merged.retries !== undefined && !(Number.isInteger(merged.retries) && merged.retries >= 0)) {
    throw new FlyteError("E_INVALID_DEFINITION", `withOverrides() on ${nodeLabel}: retries must be a whole number ≥ 0.`);
  }
  if (merged.timeout !== undefined) parseDuration(merged.timeout, `withOverrides() on ${nodeLabel}: timeout`);
  return merged;
}

function isPromiseLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && Symbol.for("flytekit.node-promise") in value;
}
