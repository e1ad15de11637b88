/**
 * A workflow node's label in the graph: its id and the name of what it runs, the last part of a
 * dotted name (`n0 · square`).
 *
 * A map node's own name is the map task's generated one (`map_square_22e91ab4`, as flytekit names
 * map tasks: `map_<task>_<hash>`), and its inner node runs that generated task; what the reader
 * wants is the task (or workflow) mapped over, so a map node shows that name instead. A name the
 * author gave the node (an override) is shown as it is.
 */
import type { Node as WorkflowNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";

/** A generated map task name: `map_`, the mapped task's name, `_` and a hex hash. */
const MAP_TASK_NAME = /^map_(.+)_[0-9a-f]+$/;

/** The last part of a dotted name. */
function lastPart(name: string): string {
  return name.split(".").at(-1) ?? "";
}

/** The name of what the inner node of a map node runs, if it names it. */
function innerNameOf(inner: WorkflowNode | undefined): string | undefined {
  const target = inner?.target;
  if (target?.case === "taskNode" && target.value.reference.case === "referenceId") return target.value.reference.value.name;
  if (target?.case === "workflowNode") return target.value.reference.value?.name;
  return undefined;
}

/** The name of the task or workflow a map node maps (its generated task's name unwrapped). */
function mappedNameOf(node: WorkflowNode, own: string): string {
  if (node.target.case !== "arrayNode") return own;
  const generated = MAP_TASK_NAME.exec(lastPart(own));
  // A name the author gave the node: keep it.
  if (own !== "" && generated === null) return own;
  const inner = innerNameOf(node.target.value.node);
  if (inner === undefined || inner === "") return generated?.[1] ?? own;
  // A mapped task runs under the generated name; a mapped workflow under its own.
  return MAP_TASK_NAME.exec(lastPart(inner))?.[1] ?? inner;
}

/** `id · name` of `node` (`id` given for nested nodes, whose id in the graph is their local part), or the id alone when it names nothing. */
export function nodeLabelOf(node: WorkflowNode | undefined, id: string = node?.id ?? ""): string {
  if (node === undefined) return id;
  const name = lastPart(mappedNameOf(node, node.metadata?.name ?? ""));
  return name === "" ? id : `${id} · ${name}`;
}
