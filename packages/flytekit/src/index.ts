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
export type { TaskOptions, Secret, Isolation } from "./task-options.ts";
export type { SecretStore } from "./secrets.ts";
export { workflow, type Workflow, type WorkflowBody, type WorkflowOptions, type FailurePolicy } from "./workflow.ts";
export { mapTask, type MapTask, type MapTaskOptions, type MapInputs, type MapOutputs } from "./map-task.ts";
export { dynamic, type DynamicBody } from "./dynamic.ts";
export { eager, type EagerBody } from "./eager.ts";
export { conditional, type ConditionalStart, type ConditionalThen, type ConditionalMore, type ConditionalOtherwise, type ConditionalResult } from "./conditional.ts";
export {
  launchPlan,
  type LaunchPlan,
  type LaunchPlanInputs,
  type LaunchPlanOptions,
  type NotificationOption,
  type NotificationPhase,
} from "./launch-plan.ts";
export type { ScheduleOption } from "./schedule.ts";
export { NodePromise } from "./promise.ts";
export type { NodeHandleMethods, VoidHandle, Orderable } from "./handles.ts";
export { BooleanExpression, ComparisonExpression, ConjunctionExpression, type ComparisonOperator } from "./expressions.ts";
export type { NodeOverrides, Resources, CacheOption } from "./overrides.ts";
export type { DurationInput } from "./duration-text.ts";
export type { BodyOutputs, Bindable, CallInputs, NativeInputs, NativeOutputs, Invocation, OutputHandle } from "./typing.ts";
export { duration } from "./types/index.ts";
export { sleep, waitForInput, approve, DEFAULT_GATE_TIMEOUT_MS, type WaitForInputOptions, type ApproveOptions } from "./gates.ts";
export { flyteErrorType, type FlyteErrorValue } from "./types/index.ts";
export { currentContext, type ExecutionParameters, type TaskLogger } from "./context.ts";
export { file, directory, dataFrame, type DataFrameOptions } from "./types/blob.ts";
export { FlyteFile, type FlyteFileOptions } from "./data/flyte-file.ts";
export { FlyteDirectory, type FlyteDirectoryOptions } from "./data/flyte-directory.ts";
export { StructuredDataset, type StructuredDatasetOptions, type ToArrowOptions } from "./data/structured-dataset.ts";
