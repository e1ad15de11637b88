/**
 * Attempts of the task kinds that build graphs, for in-process runners: a dynamic task returns
 * its job spec (or its outputs, when its body called nothing); an eager task runs its body with
 * its calls routed to the engine's controller. Plain tasks are not handled here.
 */
import type { TaskRunRequest, TaskRunResult } from "@flyte/engine";
import { uploadLocalBindings } from "../data/local-bindings.ts";
import { hasOffloadedLiterals } from "../data/offload-check.ts";
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
  if (task instanceof DynamicDefinition) return runDynamic(task, request, register);
  if (task instanceof EagerDefinition) {
    return executeEager(task, request, register, runLocally).then((outputs) => ({ kind: "success", outputs }));
  }
  return undefined;
}

/** One attempt of a dynamic task: its body runs on its inputs, offloaded ones read back first. */
async function runDynamic(task: DynamicDefinition, request: TaskRunRequest, register: RegisterTasks): Promise<TaskRunResult> {
    const resolved = hasOffloadedLiterals(request.inputs)
      ? await (await import("../data/offload.ts")).resolveOffloaded(request.inputs, `dynamic '${task.name}' input`)
      : request.inputs;
    const built = task.expand(request.inputs, settingsOf(request.task.id), resolved);
    if (built.kind === "outputs") return { kind: "success", outputs: built.outputs };
    // Returned data values (a local path, an Arrow table) are written to the attempt's store.
    if (built.kind === "values") return { kind: "success", outputs: await task.encodeOutputs(built.record) };
    register(built.definitions);
    // Local files the body bound as constants go to the store first (data/local-bindings.ts).
    const spec = built.spec;
    await uploadLocalBindings(spec, `dynamic '${task.name}'`);
    return { kind: "dynamic", spec };
}

