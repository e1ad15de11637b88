/**
 * Task templates of an execution by name, read from its stored closure's bytes. The task
 * execution RPCs need one template (its id and type) per attempt; decoding the whole closure to
 * find it cost ~20 ms per call for a 5,000-node workflow, on every open of the console's node
 * panel. Here only the closure's `tasks` are walked (the primary workflow is skipped by its
 * length) and only the template asked for is decoded.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { fieldsOf } from "../store/closure-bytes.ts";

// flyteidl field numbers: CompiledWorkflowClosure.tasks 3; CompiledTask.template 1;
// TaskTemplate.id 1.

/** A lookup of the task templates of an encoded `CompiledWorkflowClosure` by task name (each decoded once). */
export function closureTaskTemplates(closure: Uint8Array): (taskName: string) => TaskTemplate | undefined {
  let byName: Map<string, Uint8Array> | undefined;
  const decoded = new Map<string, TaskTemplate | undefined>();
  return (taskName) => {
    if (decoded.has(taskName)) return decoded.get(taskName);
    if (byName === undefined) {
      byName = new Map();
      for (const task of fieldsOf(closure, 3)) {
        for (const template of fieldsOf(task, 1)) {
          const id = fieldsOf(template, 1).at(-1);
          const name = id === undefined ? "" : fromBinary(IdentifierSchema, id).name;
          // The first task of a name wins, as `tasks.find` did.
          if (!byName.has(name)) byName.set(name, template);
        }
      }
    }
    const bytes = byName.get(taskName);
    const template = bytes === undefined ? undefined : fromBinary(TaskTemplateSchema, bytes);
    decoded.set(taskName, template);
    return template;
  };
}
