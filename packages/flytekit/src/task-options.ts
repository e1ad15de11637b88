/**
 * Task options as users write them (`TaskOptions`) and as the SDK uses them (`ResolvedTaskOptions`).
 */
import { FlyteError } from "./errors.ts";
import { nodeCrypto } from "./node-builtins.ts";
import { parseDuration, type DurationInput } from "./duration-text.ts";
import { memoryMbOf } from "./isolate/memory-limit.ts";
import type { CacheOption, Resources } from "./overrides.ts";
import type { OutputsOption, SchemaShape } from "./signature.ts";

/** A secret a task needs, looked up by group and key when it runs. */
export interface Secret {
  readonly group: string;
  readonly key?: string;
}

/** The default container image of tasks; override per task with `image` or with `FLYTE_INTERNAL_IMAGE`. */
export const DEFAULT_IMAGE = "node:24-slim";

/** Options of `task()`. Every option is optional. */
export interface TaskOptions<I extends SchemaShape, O extends OutputsOption> {
  /** @default `<module path>.<export name>`, set when the defining file is loaded */
  readonly name?: string;
  /** @default {} (no inputs) */
  readonly inputs?: I;
  /** @default none */
  readonly outputs?: O;
  /** Reuse outputs for identical inputs. @default false */
  readonly cache?: CacheOption;
  /** Retries of recoverable failures (`FlyteRecoverableError`). @default 0 */
  readonly retries?: number;
  /** Per-attempt time limit, milliseconds or text ("10m"). @default none */
  readonly timeout?: DurationInput;
  /** May run on preemptible capacity. @default false */
  readonly interruptible?: boolean;
  /** @default none (the platform's defaults) */
  readonly requests?: Resources;
  /** @default none */
  readonly limits?: Resources;
  /** @default DEFAULT_IMAGE, or FLYTE_INTERNAL_IMAGE when set */
  readonly image?: string;
  /** Environment variables of the task's process. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly secrets?: readonly Secret[];
  /** Description shown in the console. @default "" */
  readonly docs?: string;
  /**
   * Module state between attempts (docs/isolation.md): `"warm"` reuses an isolate per code bundle
   * (module-level state survives across attempts of that bundle's tasks, as in Flyte's reusable
   * containers); `"fresh"` starts a new isolate for every attempt (as a new pod would).
   * @default "warm"
   */
  readonly isolation?: Isolation;
}

/** How attempts of a task share module state; see {@link TaskOptions.isolation}. */
export type Isolation = "warm" | "fresh";

/** Cache settings after defaults. */
export interface ResolvedCache {
  readonly enabled: boolean;
  readonly version: string;
  readonly serialize: boolean;
  readonly ignoredInputs: readonly string[];
}

/** Task options after defaults and validation. */
export interface ResolvedTaskOptions {
  readonly cache: ResolvedCache;
  readonly retries: number;
  /** Milliseconds; 0 means no limit. */
  readonly timeoutMs: number;
  readonly interruptible: boolean;
  readonly requests: Resources;
  readonly limits: Resources;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly Secret[];
  readonly docs: string;
  readonly isolation: Isolation;
}

const KNOWN = new Set([
  "name", "inputs", "outputs", "cache", "retries", "timeout", "interruptible",
  "requests", "limits", "image", "env", "secrets", "docs", "isolation",
]);

/**
 * Validates and fills in defaults. `source` (the function's text) and `interfaceKey` derive the
 * cache version when none is given, so editing the body or the types invalidates the cache.
 */
export function resolveTaskOptions(
  name: string,
  options: TaskOptions<SchemaShape, OutputsOption>,
  source: string,
  interfaceKey: string,
): ResolvedTaskOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new FlyteError(
        "E_INVALID_DEFINITION",
        `task '${name}': unknown option '${key}'; known options: ${[...KNOWN].join(", ")}.`,
      );
    }
  }
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new FlyteError("E_INVALID_DEFINITION", `task '${name}': retries must be a whole number ≥ 0, got ${String(retries)}.`);
  }
  const timeoutMs = options.timeout === undefined ? 0 : parseDuration(options.timeout, `task '${name}': timeout`);
  const isolation = options.isolation ?? "warm";
  if (isolation !== "warm" && isolation !== "fresh") {
    throw new FlyteError("E_INVALID_DEFINITION", `task '${name}': isolation must be "warm" or "fresh", got ${JSON.stringify(isolation)}.`);
  }
  for (const secret of options.secrets ?? []) {
    if (typeof secret.group !== "string" || secret.group === "" || (secret.key !== undefined && (typeof secret.key !== "string" || secret.key === ""))) {
      throw new FlyteError("E_INVALID_DEFINITION", `task '${name}': each secret needs a non-empty group (and, if given, a non-empty key), got ${JSON.stringify(secret)}.`);
    }
  }
  if (options.limits?.mem !== undefined) memoryMbOf(options.limits.mem, `task '${name}'`);
  return {
    cache: resolveCache(name, options.cache, source, interfaceKey),
    retries,
    timeoutMs,
    interruptible: options.interruptible ?? false,
    requests: options.requests ?? {},
    limits: options.limits ?? {},
    image: options.image ?? process.env["FLYTE_INTERNAL_IMAGE"] ?? DEFAULT_IMAGE,
    env: options.env ?? {},
    secrets: options.secrets ?? [],
    docs: options.docs ?? "",
    isolation,
  };
}

/**
 * The cache version of a task that does not give one: a hash of its function's source text and
 * its interface, so editing either invalidates the cache. What the function closes over (module
 * constants, imported helpers) is not part of it: give `cache.version` when those matter.
 */
export function deriveCacheVersion(source: string, interfaceKey: string): string {
  return nodeCrypto().createHash("sha256").update(source).update("\0").update(interfaceKey).digest("hex").slice(0, 16);
}

function resolveCache(name: string, cache: CacheOption | undefined, source: string, interfaceKey: string): ResolvedCache {
  if (cache === undefined || cache === false) return { enabled: false, version: "", serialize: false, ignoredInputs: [] };
  const given = cache === true ? {} : cache;
  const version = given.version ?? deriveCacheVersion(source, interfaceKey);
  if (version === "") {
    throw new FlyteError("E_INVALID_DEFINITION", `task '${name}': cache.version must not be empty; omit it to derive one.`);
  }
  return { enabled: true, version, serialize: given.serialize ?? false, ignoredInputs: given.ignoredInputs ?? [] };
}
