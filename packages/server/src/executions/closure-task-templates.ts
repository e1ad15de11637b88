/**
 * Task templates of an execution by name, read from its stored closure's bytes. The task
 * execution RPCs need one template (its id and type) per attempt; decoding the whole closure to
 * find it cost ~20 ms per call for a 5,000-node workflow, on every open of the console's node
 * panel. Here only the closure's `tasks` are walked (the primary workflow is skipped by its
 * length) and only the template asked for is decoded.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";

// flyteidl field numbers: CompiledWorkflowClosure.tasks 3; CompiledTask.template 1;
// TaskTemplate.id 1.

/** Every occurrence of the length-delimited field `field` of `bytes`' message. */
function fieldsOf(bytes: Uint8Array, field: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === field && type === WireType.LengthDelimited) found.push(r.bytes());
    else r.skip(type, no);
  }
  return found;
}

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
