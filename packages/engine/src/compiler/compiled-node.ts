/**
 * The compiled form of a node, as Flyte's compiler writes it: a promise with an empty node id (how
 * flytekit writes a reference to a workflow input) names `start-node`, and the nodes inside a
 * branch carry their compiled ids `<branch id>-<node id>`. The input is never modified: only the
 * messages that change are copied, the rest is shared.
 */
import { clone, create } from "@bufbuild/protobuf";
import {
  IfBlockSchema,
  IfElseBlockSchema,
  NodeSchema,
  type IfBlock,
  type Node,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { BindingSchema, type Binding, type BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { START_NODE_ID, branchInnerNodeId } from "./identifiers.ts";

/**
 * `node` as it appears in a compiled workflow, with `id` (default: its own) and, when given,
 * `upstreamNodeIds`. Inner nodes of branches are renamed and compiled the same way, recursively.
 */
export function compiledNode(node: Node, id: string = node.id, upstreamNodeIds?: readonly string[]): Node {
  const target = node.target;
  let compiledTarget = target;
  if (target.case === "branchNode" && target.value.ifElse !== undefined) {
    const ifElse = target.value.ifElse;
    const inner = (n: Node): Node => compiledNode(n, branchInnerNodeId(id, n.id));
    const block = (b: IfBlock): IfBlock =>
      create(IfBlockSchema, { ...b, ...(b.thenNode === undefined ? {} : { thenNode: inner(b.thenNode) }) });
    compiledTarget = {
      case: "branchNode",
      value: {
        ...target.value,
        ifElse: create(IfElseBlockSchema, {
          ...ifElse,
          ...(ifElse.case === undefined ? {} : { case: block(ifElse.case) }),
          other: ifElse.other.map(block),
          default: ifElse.default.case === "elseNode" ? { case: "elseNode", value: inner(ifElse.default.value) } : ifElse.default,
        }),
      },
    };
  }
  return create(NodeSchema, {
    ...node,
    id,
    inputs: compiledBindings(node.inputs),
    upstreamNodeIds: upstreamNodeIds === undefined ? node.upstreamNodeIds : [...upstreamNodeIds],
    target: compiledTarget,
  });
}

/** `bindings` with every empty promise node id set to `start-node` (copies only what changes). */
export function compiledBindings(bindings: readonly Binding[]): Binding[] {
  return bindings.map((b) => {
    if (b.binding === undefined || !hasEmptyPromise(b.binding)) return b;
    const copy = clone(BindingSchema, b);
    if (copy.binding !== undefined) fillStartNode(copy.binding);
    return copy;
  });
}

function hasEmptyPromise(data: BindingData): boolean {
  const v = data.value;
  if (v.case === "promise") return v.value.nodeId === "";
  if (v.case === "collection") return v.value.bindings.some(hasEmptyPromise);
  if (v.case === "map") return Object.values(v.value.bindings).some(hasEmptyPromise);
  return false;
}

function fillStartNode(data: BindingData): void {
  const v = data.value;
  if (v.case === "promise" && v.value.nodeId === "") v.value.nodeId = START_NODE_ID;
  else if (v.case === "collection") v.value.bindings.forEach(fillStartNode);
  else if (v.case === "map") Object.values(v.value.bindings).forEach(fillStartNode);
}
