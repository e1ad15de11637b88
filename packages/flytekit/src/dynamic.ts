/**
 * `dynamic()`: a task whose body runs at execution time with real input values and builds a
 * workflow by calling tasks, workflows and maps (flytekit's `@dynamic`). Calls inside return
 * promises, as in a workflow body (node ids `dn0, dn1, ...`); plain JS `if`/`for` over the
 * inputs decide what to call. Serialized as an ordinary task; at run time it returns a
 * `DynamicJobSpec` that the engine compiles and runs as the node's sub-graph.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { callableFor } from "./call.ts";
import { hasOffloadedLiterals } from "./data/offload-check.ts";
import { buildJobSpec, type JobSpecResult } from "./job-spec.ts";
import { definitionCount, definitionsSince, forgetDefinitionsSince } from "./naming.ts";
import { encodeInputs } from "./task-reference.ts";
import type { SerializationSettings } from "./serialize/settings.ts";
import type { OutputsOption, SchemaShape } from "./signature.ts";
import { TaskDefinition, type Task } from "./task.ts";
import type { TaskOptions } from "./task-options.ts";
import { fromLiteralMap } from "./types/index.ts";
import type { BodyOutputs, NativeInputs } from "./typing.ts";

/** The body of a dynamic task: real inputs in, promises or constants out; synchronous. */
export type DynamicBody<I extends SchemaShape, O extends OutputsOption> = (inputs: NativeInputs<I>) => BodyOutputs<O>;

/** The definition behind a dynamic task. */
export class DynamicDefinition extends TaskDefinition {
  readonly #body: (inputs: Record<string, unknown>) => unknown;

  constructor(options: TaskOptions<SchemaShape, OutputsOption>, body: (inputs: Record<string, unknown>) => unknown) {
    super(options, body);
    this.#body = body;
  }

  /**
   * Runs the body on `inputs` and returns the graph it built, or its outputs when it called
   * nothing. Used by task runners (in-process and workers).
   *
   * `resolved` is `inputs` with offloaded literals read back (offload.ts `resolveOffloaded`):
   * the body gets its values, while the tasks it makes keep `inputs` — offloaded literals stay
   * references — in their parent reference, so a 100 MB list is not copied into their templates.
   * A worker running one of those tasks reads the list back again (task-reference.ts).
   */
  expand(inputs: LiteralMap, settings: SerializationSettings, resolved: LiteralMap = inputs): JobSpecResult {
    if (resolved === inputs && hasOffloadedLiterals(inputs)) {
      // A caller's mistake, not a user's: every runner resolves first.
      throw new Error(`dynamic '${this.name}': its inputs hold offloaded literals; read them back (resolveOffloaded) before expanding the body`);
    }
    const natives = fromLiteralMap(resolved, this.signature.inputs, this.name, "input");
    return buildJobSpec(this, "dn", () => this.#traceBody(natives, inputs), settings, `dynamic '${this.name}'`);
  }

  /**
   * Runs the body and marks what it defined as made by this body on these inputs, naming the
   * unnamed ones `<this task's name>.<kind>_<n>` in the order they were made — the same names on
   * every run with the same inputs, so a worker can find them again (task-reference.ts).
   */
  #traceBody(natives: Record<string, unknown>, inputs: LiteralMap): unknown {
    const start = definitionCount();
    const returned = this.#body(natives);
    const made = definitionsSince(start);
    if (made.length > 0) {
      const origin = { parent: this, inputs: encodeInputs(inputs) };
      let n = 0;
      for (const definition of made) {
        if (definition.location !== undefined || definition.kind === "mapTask") continue;
        definition.origin = origin;
        if (!definition.nameIsExplicit) definition.name = `${this.name}.${definition.kind}_${n++}`;
      }
      forgetDefinitionsSince(start);
    }
    return returned;
  }
}

/**
 * Defines a dynamic task: its body gets real input values when the task runs and builds a graph
 * by calling entities. Takes every `task()` option.
 *
 * @example
 * export const fan = dynamic(
 *   { name: "fan", inputs: { n: z.int() }, outputs: z.array(z.string()) },
 *   ({ n }) => Array.from({ length: n }, (_, i) => t({ a: i })),
 * );
 */
export function dynamic<
  const I extends SchemaShape = Record<never, never>,
  const O extends OutputsOption = undefined,
  const R extends BodyOutputs<O> = BodyOutputs<O>,
>(options: TaskOptions<I, O>, body: (inputs: NativeInputs<I>) => R): Task<I, O> {
  const definition = new DynamicDefinition(
    options,
    body as unknown as (inputs: Record<string, unknown>) => unknown,
  );
  return callableFor(definition) as unknown as Task<I, O>;
}
