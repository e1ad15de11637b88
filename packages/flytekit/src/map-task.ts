/**
 * `mapTask()`: run a task — or, beyond Flyte 1, a workflow — once per element of its list
 * inputs, as one array node.
 */
import { create } from "@bufbuild/protobuf";
import { BindingSchema, type Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { z } from "zod";
import { bindingFromLiteral } from "./bind.ts";
import { callableFor } from "./call.ts";
import { definitionOf, type CallableEntity, type EntityLocation } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { rememberDefinition } from "./naming.ts";
import { mappedTaskTemplate } from "./serialize/array-node.ts";
import { ADJUST_TEMPLATE } from "./serialize/task-template.ts";
import { isPlainObject, makeSignature, type OutputsOption, type SchemaShape, type Signature } from "./signature.ts";
import { TaskDefinition, type Task } from "./task.ts";
import { transformerFor } from "./types/index.ts";
import type { CallInputs, Invocation, NativeInputs } from "./typing.ts";
import { WorkflowDefinition, type Workflow } from "./workflow.ts";

/** Options of `mapTask()`. */
export interface MapTaskOptions<B = Record<string, unknown>> {
  /** Most items running at once; 0 for no limit (the engine still streams items through a bounded window). @default 0 */
  readonly concurrency?: number;
  /**
   * Items that must succeed for the map to succeed. Setting it makes failed items `null` (the
   * output is a list of nullables). Exclusive with `minSuccessRatio`. @default every item
   */
  readonly minSuccesses?: number;
  /**
   * Fraction of items (0..1) that must succeed. Below 1, failed items are `null` and the output
   * is a list of nullables. @default 1
   */
  readonly minSuccessRatio?: number;
  /** Inputs fixed for every item (not mapped), as constants. @default {} */
  readonly bound?: B;
}

/** A mapped entity as users hold it: call it with lists. */
export interface MapTask<I extends SchemaShape, O extends OutputsOption> {
  (inputs: CallInputs<I>): Invocation<O>;
  /** @internal */
  readonly __kind?: "mapTask";
}

/** Whether the options let items fail (then outputs hold nulls). */
type AllowsFailures<Opt> = Opt extends { readonly minSuccesses: number }
  ? true
  : Opt extends { readonly minSuccessRatio: infer R }
    ? R extends 1 | undefined
      ? false
      : true
    : false;

type Lift<S, F> = S extends z.ZodType ? (F extends true ? z.ZodArray<z.ZodNullable<S>> : z.ZodArray<S>) : never;

/** The inputs of a map: the target's unbound inputs, as lists. */
export type MapInputs<I extends SchemaShape, B> = { readonly [K in Exclude<keyof I, keyof B>]: z.ZodArray<I[K]> };

/** The outputs of a map: the target's (single) output, as a list (of nullables when items may fail). */
export type MapOutputs<O extends OutputsOption, F> = O extends undefined
  ? undefined
  : O extends z.ZodType
    ? Lift<O, F>
    : O extends readonly z.ZodType[]
      ? { readonly [K in keyof O]: Lift<O[K], F> }
      : O extends SchemaShape
        ? { readonly [K in keyof O]: Lift<O[K], F> }
        : never;

/** The inputs the options bind. */
type BoundOf<Opt> = Opt extends { readonly bound: infer B } ? B : Record<never, never>;

/** The definition behind a `mapTask(...)` result. */
export class MapTaskDefinition implements CallableEntity {
  readonly kind = "mapTask" as const;
  readonly nameIsExplicit = true;
  /** The mapped task or workflow. */
  readonly target: TaskDefinition | WorkflowDefinition;
  readonly signature: Signature;
  /** The interface of the mapped task's template: bound inputs as declared, the rest as lists. */
  readonly templateSignature: Signature;
  readonly concurrency: number;
  readonly criteria: { readonly minSuccesses?: number; readonly minSuccessRatio: number };
  readonly boundNames: readonly string[];
  readonly boundBindings: readonly Binding[];
  /** For task targets: the task each item runs, under the map's name (see serialize/array-node.ts). */
  readonly item: TaskDefinition | undefined;
  location?: EntityLocation;
  readonly #hash: string;
  #name: string | undefined;

  constructor(target: TaskDefinition | WorkflowDefinition, options: MapTaskOptions, key: string) {
    this.target = target;
    this.#hash = fnv1a(key);
    const what = `mapTask(${target.kind} '${target.name}')`;
    const sig = target.signature;
    if (sig.outputNames.length > 1) {
      throw new FlyteError(
        "E_INVALID_DEFINITION",
        `${what}: only entities with at most one output can be mapped; '${target.name}' has ${sig.outputNames.length} (${sig.outputNames.join(", ")}). ` +
          "Return one value (a struct or a list) instead, or wrap the entity in a workflow with one output.",
      );
    }
    const { concurrency, minSuccesses, minSuccessRatio } = checkOptions(what, options);
    this.concurrency = concurrency;
    this.criteria = minSuccesses !== undefined ? { minSuccesses, minSuccessRatio: 1 } : { minSuccessRatio };
    const allowFailures = minSuccesses !== undefined || minSuccessRatio < 1;

    const bound = options.bound ?? {};
    if (!isPlainObject(bound)) throw new FlyteError("E_INVALID_DEFINITION", `${what}: 'bound' must be a plain object of input values, e.g. { c: "c" }.`);
    const boundBindings: Binding[] = [];
    for (const [name, value] of Object.entries(bound)) {
      const schema = sig.inputs[name];
      if (schema === undefined) {
        throw new FlyteError("E_UNKNOWN_INPUT", `${what}: bound input '${name}' is not an input of '${target.name}'; its inputs are: ${sig.inputNames.join(", ") || "none"}.`);
      }
      const context = { entity: `${target.kind} '${target.name}'`, side: "input" as const, variable: name };
      try {
        boundBindings.push(create(BindingSchema, { var: name, binding: bindingFromLiteral(transformerFor(schema, context).toLiteral(value, context)) }));
      } catch (err) {
        if (err instanceof FlyteError && err.code === "E_VALUE_TYPE") throw new FlyteError("E_INPUT_TYPE", `${what}: bound input '${name}': ${err.message}`, { cause: err });
        throw err;
      }
    }
    this.boundNames = Object.keys(bound);
    this.boundBindings = boundBindings;

    const lifted: Record<string, z.ZodType> = {};
    const templateInputs: Record<string, z.ZodType> = {};
    for (const name of sig.inputNames) {
      const schema = sig.inputs[name]!;
      if (name in bound) {
        templateInputs[name] = schema;
      } else {
        lifted[name] = z.array(schema);
        templateInputs[name] = lifted[name];
      }
    }
    const outputs = liftOutputs(sig, allowFailures);
    this.signature = makeSignature(this.name, "mapTask", lifted, outputs);
    this.templateSignature = makeSignature(this.name, "mapTask", templateInputs, outputs);
    this.item = target instanceof TaskDefinition ? mapItem(this, target) : undefined;
    rememberDefinition(this);
  }

  /** `<module>.map_<entity>_<hash>` after the target's name, as flytekit names map tasks. */
  get name(): string {
    if (this.#name !== undefined) return this.#name;
    const full = this.target.name;
    const dot = full.lastIndexOf(".");
    return `${full.slice(0, dot + 1)}map_${full.slice(dot + 1)}_${this.#hash}`;
  }

  set name(value: string) {
    this.#name = value;
  }
}

/** The task an item runs: the target under the map's name, whose template is the mapped one. */
function mapItem(map: MapTaskDefinition, target: TaskDefinition): TaskDefinition {
  return Object.create(target, {
    name: { get: () => map.name, enumerable: true },
    [ADJUST_TEMPLATE]: { value: (template: Parameters<typeof mappedTaskTemplate>[1]) => mappedTaskTemplate(map, template) },
  }) as TaskDefinition;
}

function liftOutputs(sig: Signature, allowFailures: boolean): OutputsOption {
  const lift = (schema: z.ZodType): z.ZodType => z.array(allowFailures ? schema.nullable() : schema);
  const only = sig.outputNames[0];
  if (only === undefined) return undefined;
  const schema = sig.outputs[only]!;
  switch (sig.outputForm) {
    case "single":
      return lift(schema);
    case "positional":
      return [lift(schema)];
    default:
      return { [only]: lift(schema) };
  }
}

function checkOptions(what: string, options: MapTaskOptions): { concurrency: number; minSuccesses: number | undefined; minSuccessRatio: number } {
  const given: unknown = options; // checked as data: callers outside TypeScript can pass anything
  if (!isPlainObject(given)) throw new FlyteError("E_INVALID_DEFINITION", `${what}: options must be a plain object, e.g. { concurrency: 10 }.`);
  const { concurrency = 0, minSuccesses, minSuccessRatio } = options;
  if (!Number.isInteger(concurrency) || concurrency < 0) {
    throw new FlyteError("E_INVALID_DEFINITION", `${what}: concurrency must be a whole number ≥ 0 (0 for no limit), got ${String(concurrency)}.`);
  }
  if (minSuccesses !== undefined && minSuccessRatio !== undefined) {
    throw new FlyteError("E_INVALID_DEFINITION", `${what}: give minSuccesses or minSuccessRatio, not both.`);
  }
  if (minSuccesses !== undefined && (!Number.isInteger(minSuccesses) || minSuccesses < 0)) {
    throw new FlyteError("E_INVALID_DEFINITION", `${what}: minSuccesses must be a whole number ≥ 0, got ${JSON.stringify(minSuccesses)}.`);
  }
  if (minSuccessRatio !== undefined && !(typeof minSuccessRatio === "number" && minSuccessRatio >= 0 && minSuccessRatio <= 1)) {
    throw new FlyteError("E_INVALID_DEFINITION", `${what}: minSuccessRatio must be a number from 0 to 1, got ${JSON.stringify(minSuccessRatio)}.`);
  }
  return { concurrency, minSuccesses, minSuccessRatio: minSuccessRatio ?? 1 };
}

/** 32-bit FNV-1a, hex: a short stable suffix that tells maps of one entity apart by their options. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** One definition per target and options, so mapping the same way twice is the same entity. */
const definitions = new WeakMap<CallableEntity, Map<string, MapTaskDefinition>>();

/**
 * Maps a task (or a workflow) over lists: every input not fixed in `bound` becomes a list, and
 * the output becomes a list with one element per item. Items run in parallel, up to
 * `concurrency` at once. Entities with more than one output cannot be mapped.
 *
 * @example
 * const greetings = mapTask(sayHello, { concurrency: 10 })({ name: ["a", "b"] });
 * const fixed = mapTask(task1, { bound: { c: "c" } })({ a: [1, 2, 3], b: [0.1, 0.2, 0.3] });
 * const lenient = mapTask(flaky, { minSuccessRatio: 0.5 })({ x: xs });   // NodePromise<(number | null)[]>
 */
export function mapTask<
  I extends SchemaShape,
  O extends OutputsOption,
  const Opt extends MapTaskOptions<Partial<NativeInputs<I>>> = Record<never, never>,
>(entity: Task<I, O> | Workflow<I, O>, options?: Opt): MapTask<MapInputs<I, BoundOf<Opt>>, MapOutputs<O, AllowsFailures<Opt>>> {
  const target = definitionOf(entity);
  if (target === undefined || !(target instanceof TaskDefinition || target instanceof WorkflowDefinition)) {
    throw new FlyteError("E_INVALID_DEFINITION", `mapTask() takes a task or a workflow defined with task() / workflow(); got ${target === undefined ? typeof entity : `a ${target.kind}`}.`);
  }
  if (target.constructor !== TaskDefinition && target instanceof TaskDefinition) {
    throw new FlyteError(
      "E_INVALID_DEFINITION",
      `mapTask(task '${target.name}'): dynamic and eager tasks cannot be mapped (their bodies build graphs); map a plain task, or a workflow that calls it.`,
    );
  }
  const opts: MapTaskOptions = options ?? {};
  const key = keyOf(opts);
  let byKey = definitions.get(target);
  if (byKey === undefined) {
    byKey = new Map();
    definitions.set(target, byKey);
  }
  let definition = byKey.get(key);
  if (definition === undefined) {
    definition = new MapTaskDefinition(target, opts, key);
    byKey.set(key, definition);
  }
  return callableFor(definition) as never;
}

function keyOf(options: MapTaskOptions): string {
  try {
    return JSON.stringify([options.concurrency ?? 0, options.minSuccesses ?? null, options.minSuccessRatio ?? 1, options.bound ?? {}]);
  } catch {
    throw new FlyteError("E_INVALID_DEFINITION", "mapTask(): 'bound' values must be plain constants (numbers, strings, lists, objects, dates).");
  }
}
