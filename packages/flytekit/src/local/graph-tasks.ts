/**
 * Attempts of the task kinds that build graphs, for in-process runners: a dynamic task returns
 * its job spec (or its outputs, when its body called nothing); an eager task runs its body with
 * its calls routed to the engine's controller. Plain tasks are not handled here.
 */
import type { TaskRunRequest, TaskRunResult } from "@flyte/engine";
import { uploadLocalBindings } from "../data/local-bindings.ts";
import { DynamicDefinition } from "../dynamic.ts";
import { EagerDefinition } from "../eager.ts";
import type { CallableEntity } from "../entity.ts";
import { settingsOf } from "../job-spec.ts";
import type { TaskDefinition } from "../task.ts";
import { executeEager } from "./eager-run.ts";

/** Tasks a dynamic body or an eager call uses; the runner must find them by name afterwards. */
export type RegisterTasks = (definitions: ReadonlyMap<string, TaskDefinition>) => void;

/**
 * Runs one attempt of `task` if it is a dynamic or an eager task; `undefined` for plain tasks.
 * Throws what the body throws.
 */
export function runGraphTask(
  task: TaskDefinition,
  request: TaskRunRequest,
  register: RegisterTasks,
  runLocally: (entity: CallableEntity, inputs: Record<string, unknown>) => Promise<unknown>,
): Promise<TaskRunResult> | undefined {
  if (task instanceof DynamicDefinition) {
    const built = task.expand(request.inputs, settingsOf(request.task.id));
    if (built.kind === "outputs") return Promise.resolve({ kind: "success", outputs: built.outputs });
    // Returned data values (a local path, an Arrow table) are written to the attempt's store.
    if (built.kind === "values") return task.encodeOutputs(built.record).then((outputs) => ({ kind: "success", outputs }));
    register(built.definitions);
    // Local files the body bound as constants go to the store first (data/local-bindings.ts).
    const spec = built.spec;
    return uploadLocalBindings(spec, `dynamic '${task.name}'`).then(() => ({ kind: "dynamic", spec }));
  }
  if (task instanceof EagerDefinition) {
    return executeEager(task, request, register, runLocally).then((outputs) => ({ kind: "success", outputs }));
  }
  return undefined;
}

