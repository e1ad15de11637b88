/**
 * `task()`: the smallest unit of user code, with a typed interface.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { callableFor } from "./call.ts";
import { definitionSite, provisionalName, type CallableEntity, type DefinitionSite, type DynamicOrigin, type EntityLocation } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { rememberDefinition } from "./naming.ts";
import { shapeNativeOutputs, outputsToRecord } from "./outputs.ts";
import { makeSignature, type OutputsOption, type SchemaShape, type Signature } from "./signature.ts";
import { deriveCacheVersion, resolveTaskOptions, type ResolvedTaskOptions, type TaskOptions } from "./task-options.ts";
import { fromLiteralMap, toLiteralMap } from "./types/index.ts";
import { hasOffloadedLiterals, mayNeedOffload } from "./data/offload-check.ts";
import { hasData } from "./types/blob.ts";
import { transformerFor } from "./types/index.ts";
import { recordDefinitionSite, type DefinitionSite as IsolateSite } from "./isolate/definition-sites.ts";
import type { CallInputs, Invocation, NativeInputs, NativeOutputs, TaskReturn } from "./typing.ts";

/** The function behind a task: native inputs in, native outputs out (sync or async). */
export type TaskFunction<I extends SchemaShape, O extends OutputsOption> = (
  inputs: NativeInputs<I>,
) => NativeOutputs<O> | Promise<NativeOutputs<O>>;

/**
 * A task as users hold it: call it inside a workflow body to add a node, or anywhere else to run
 * it locally.
 */
export interface Task<I extends SchemaShape, O extends OutputsOption> {
  (inputs: CallInputs<I>): Invocation<O>;
  /** @internal Marks the entity kind for type-level dispatch. */
  readonly __kind?: "task";
}

/**
 * Derived cache versions by task, filled on first use. A WeakMap rather than a private field:
 * map tasks run items through objects whose prototype is the task (map-task.ts `mapItem`).
 */
const derivedVersions = new WeakMap<TaskDefinition, string>();

/** The definition behind a task. */
export class TaskDefinition implements CallableEntity {
  readonly kind = "task" as const;
  name: string;
  readonly nameIsExplicit: boolean;
  readonly signature: Signature;
  readonly options: ResolvedTaskOptions;
  readonly fn: (inputs: Record<string, unknown>) => unknown;
  location?: EntityLocation;
  readonly definedAt: DefinitionSite | undefined;
  origin?: DynamicOrigin;
  /** Where `task()` was called: a local isolate finds the task again there (isolate/local-thread.ts). */
  readonly site: IsolateSite | undefined;

  constructor(options: TaskOptions<SchemaShape, OutputsOption>, fn: (inputs: Record<string, unknown>) => unknown) {
    if (typeof fn !== "function") {
      throw new FlyteError("E_INVALID_DEFINITION", `task(options, fn): the second argument must be the task's function.`);
    }
    this.nameIsExplicit = options.name !== undefined;
    this.definedAt = definitionSite();
    this.name = options.name ?? provisionalName("task", fn, this.definedAt);
    this.signature = makeSignature(this.name, "task", options.inputs, options.outputs);
    this.fn = fn;
    this.options = resolveTaskOptions(this.name, options, fn.toString(), interfaceKey(this.signature));
    this.site = recordDefinitionSite(this);
    for (const ignored of this.options.cache.ignoredInputs) {
      if (!(ignored in this.signature.inputs)) {
        throw new FlyteError("E_INVALID_DEFINITION", `task '${this.name}': cache.ignoredInputs names '${ignored}', which is not an input.`);
      }
    }
    rememberDefinition(this);
  }

  /**
   * The cache version derived from the source and interface (used by `withOverrides({ cache:
   * true })` and to find the task again in an isolate). Computed on first use: hashing loads
   * node:crypto, which a local run of uncached tasks otherwise never needs.
   */
  get derivedCacheVersion(): string {
    let version = derivedVersions.get(this);
    if (version === undefined) derivedVersions.set(this, (version = deriveCacheVersion(this.fn.toString(), interfaceKey(this.signature))));
    return version;
  }

  /**
   * Runs the task's function on literal inputs and returns literal outputs, checking both
   * against the schemas. Used by local runs and by workers.
   */
  async execute(inputs: LiteralMap): Promise<LiteralMap> {
    // The data modules load only for tasks that need them: most tasks pass small typed values.
    const resolved = hasOffloadedLiterals(inputs)
      ? await (await import("./data/offload.ts")).resolveOffloaded(inputs, `task '${this.name}' input`)
      : inputs;
    const natives = fromLiteralMap(resolved, this.signature.inputs, this.name, "input");
    const inputData = Object.values(this.signature.inputs).some(hasData);
    if (inputData) await (await import("./data/prepare.ts")).verifyInputs(natives, this.signature.inputs, this.name);
    const returned = await this.fn(natives);
    return this.encodeOutputs(outputsToRecord(this, returned));
  }

  /**
   * Encodes what the task's body returned (by output name) as its literal outputs: local paths,
   * streams and Arrow tables are written to the current store first, and literals over the
   * offloading threshold are offloaded. Plain, dynamic and eager tasks all end here.
   */
  async encodeOutputs(returned: Record<string, unknown>): Promise<LiteralMap> {
    let record = returned;
    if (Object.values(this.signature.outputs).some(hasData)) {
      // Local paths, streams and Arrow tables are written to the store before they are encoded.
      record = await (await import("./data/prepare.ts")).prepareValues(record, this.signature.outputs, this.name, "output", "upload");
    }
    const outputs = toLiteralMap(record, this.signature.outputs, this.name, "output");
    if (!mayNeedOffload(outputs)) return outputs;
    // Outputs over the threshold go to the store, so no process passes them on whole.
    return (await import("./data/offload.ts")).offloadLargeLiterals(outputs, this.outputTypes(), `task '${this.name}' output`);
  }

  /** The Flyte types of the outputs, by name. */
  private outputTypes(): Record<string, LiteralType> {
    return Object.fromEntries(Object.entries(this.signature.outputs).map(([k, s]) => [k, transformerFor(s).literalType]));
  }

  /** Reshapes literal outputs into what a local caller receives. */
  nativeOutputs(outputs: LiteralMap): unknown {
    return shapeNativeOutputs(this.signature, fromLiteralMap(outputs, this.signature.outputs, this.name, "output"));
  }
}

/** A stable text of the interface, for cache versions. */
function interfaceKey(sig: Signature): string {
  const describe = (shape: SchemaShape): string =>
    Object.entries(shape)
      .map(([k, s]) => `${k}:${JSON.stringify((s as unknown as { _zod: { def: unknown } })._zod.def, (_key, v: unknown) => (typeof v === "function" ? undefined : v))}`)
      .join(",");
  return `${describe(sig.inputs)}->${describe(sig.outputs)}`;
}

/**
 * Defines a task.
 *
 * @example
 * export const t2 = task(
 *   { name: "t2", inputs: { a: z.string(), b: z.string() }, outputs: z.string() },
 *   async ({ a, b }) => b + a,
 * );
 */
export function task<
  const I extends SchemaShape = Record<never, never>,
  const O extends OutputsOption = undefined,
  // A separate `const` parameter for the result makes `return [a, b]` a tuple, which is then
  // checked against the declared outputs.
  const R extends TaskReturn<O> = TaskReturn<O>,
>(options: TaskOptions<I, O>, fn: (inputs: NativeInputs<I>) => R | Promise<R>): Task<I, O> {
  const definition = new TaskDefinition(
    options,
    fn as unknown as (inputs: Record<string, unknown>) => unknown,
  );
  return callableFor(definition) as unknown as Task<I, O>;
}
