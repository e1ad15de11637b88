/**
 * Which tasks this backend's workers can run. Workers run TypeScript tasks written with our SDK
 * and registered with `flyte register` (container args `flyte execute ... -- task-module M
 * task-name E`). Flyte's own material — tasks serialized by flytekit (Python), raw containers,
 * plugin tasks — registers and compiles here as on Flyte, but needs a runtime these workers do
 * not have. The check lives at server dispatch (`WorkerTaskRunner.run`), not in the worker: the
 * template alone decides it, so the attempt fails at once with a message naming the task's
 * image and runtime instead of being queued, leased and failing inside a worker as a code-load
 * error.
 */
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";

/** The failure code of an attempt of a task that needs another runtime. */
export const UNSUPPORTED_RUNTIME_CODE = "USER:UnsupportedTaskRuntime";

const FIX = "this backend's workers run TypeScript tasks registered with `flyte register`";

/**
 * Why workers cannot run `task`, or `undefined` when they may (our SDK's tasks, and templates that
 * show no sign of another runtime: those go to the worker, which reports what it cannot load).
 *
 * @example
 * unsupportedRuntimeReason(pythonTask)
 * // "task 'wf.t1' needs a Python container (image cr.flyte.org/flyteorg/flytekit:py3.11, command
 * //  pyflyte-execute); this backend's workers run TypeScript tasks registered with `flyte register`."
 */
export function unsupportedRuntimeReason(task: TaskTemplate): string | undefined {
  const name = task.id?.name ?? "<unnamed>";
  const container = task.target.case === "container" ? task.target.value : undefined;
  const words = container === undefined ? [] : [...container.command, ...container.args];
  if (words[0] === "flyte") return undefined;
  const image = container?.image === undefined || container.image === "" ? "no image" : `image ${container.image}`;
  const pyflyte = words.find((w) => w.startsWith("pyflyte-"));
  if (pyflyte !== undefined) {
    return `task '${name}' needs a Python container (${image}, command ${pyflyte}); ${FIX}.`;
  }
  const flavor = task.metadata?.runtime?.flavor ?? "";
  if (flavor === "" || flavor === "typescript") return undefined;
  if (container !== undefined) {
    const command = words.slice(0, 2).join(" ") || "none";
    return `task '${name}' (type ${task.type}) runs its own container (${image}, command ${command}), written with flytekit (${flavor}); ${FIX}.`;
  }
  const target = task.target.case ?? "no container";
  return `task '${name}' (type ${task.type}, ${target}) needs a Flyte backend plugin or agent, written with flytekit (${flavor}); ${FIX}.`;
}
