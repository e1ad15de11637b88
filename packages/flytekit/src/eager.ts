/**
 * `eager()`: a task whose async body awaits calls to tasks, workflows and maps and gets their
 * real outputs back, so plain JS control flow (`if`, loops, `try/catch`) decides what runs next
 * (flytekit's `@eager`). Serialized as a task with `TaskMetadata.isEager = true`. When it runs,
 * every awaited call becomes a recorded child node of the eager node (`<node>-e0`, `-e1`, ...);
 * a failed call rejects with a FlyteError (`E_EAGER_CALL_FAILED`) naming that node and the cause,
 * which the body may catch.
 */
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { callableFor } from "./call.ts";
import { ADJUST_TEMPLATE } from "./serialize/task-template.ts";
import type { OutputsOption, SchemaShape } from "./signature.ts";
import { TaskDefinition, type Task } from "./task.ts";
import type { TaskOptions } from "./task-options.ts";
import type { NativeInputs, TaskReturn } from "./typing.ts";

/** The body of an eager task: real inputs in, real outputs out; awaited calls return real values. */
export type EagerBody<I extends SchemaShape, O extends OutputsOption> = (inputs: NativeInputs<I>) => Promise<TaskReturn<O>>;

/** The definition behind an eager task (runners recognize it by class). */
export class EagerDefinition extends TaskDefinition {
  /** Eager tasks are marked in their template so the engine hands their attempts a controller. */
  [ADJUST_TEMPLATE](template: TaskTemplate): TaskTemplate {
    if (template.metadata !== undefined) template.metadata.isEager = true;
    return template;
  }
}

/**
 * Defines an eager task: an async body whose awaited calls run as recorded child nodes and
 * return real values. Takes every `task()` option.
 *
 * @example
 * export const smart = eager(
 *   { name: "smart", inputs: { x: z.int() }, outputs: z.int() },
 *   async ({ x }) => { const y = await addOne({ x }); return y > 3 ? await double({ n: y }) : y; },
 * );
 */
export function eager<
  const I extends SchemaShape = Record<never, never>,
  const O extends OutputsOption = undefined,
  const R extends TaskReturn<O> = TaskReturn<O>,
>(options: TaskOptions<I, O>, body: (inputs: NativeInputs<I>) => Promise<R>): Task<I, O> {
  const definition = new EagerDefinition(
    options,
    body as unknown as (inputs: Record<string, unknown>) => unknown,
  );
  return callableFor(definition) as unknown as Task<I, O>;
}
