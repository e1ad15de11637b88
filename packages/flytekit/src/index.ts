/**
 * flytekit: define tasks and workflows in TypeScript, run them locally, compile them to Flyte IDL.
 *
 * @example
 * import { z } from "zod";
 * import { task, workflow } from "flytekit";
 * export const add = task({ inputs: { a: z.int(), b: z.int() }, outputs: z.int() }, ({ a, b }) => a + b);
 */
import "./local/run.ts"; // installs the local runner used by calls outside a workflow body

export { FlyteError, FlyteRecoverableError, type FlyteErrorCode } from "./errors.ts";
export { task, type Task, type TaskFunction } from "./task.ts";
export type { TaskOptions, Secret } from "./task-options.ts";
export { workflow, type Workflow, type WorkflowBody, type WorkflowOptions, type FailurePolicy } from "./workflow.ts";
export { NodePromise } from "./promise.ts";
export type { NodeHandleMethods, VoidHandle, Orderable } from "./handles.ts";
export { BooleanExpression, ComparisonExpression, ConjunctionExpression, type ComparisonOperator } from "./expressions.ts";
export type { NodeOverrides, Resources, CacheOption } from "./overrides.ts";
export type { DurationInput } from "./duration-text.ts";
export type { BodyOutputs, Bindable, CallInputs, NativeInputs, NativeOutputs, Invocation, OutputHandle } from "./typing.ts";
export { duration } from "./types/index.ts";
