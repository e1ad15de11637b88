/**
 * A conditional's node as a flyteidl `BranchNode`: an `IfElseBlock` whose `case` and `other`
 * blocks hold each condition with its one node, and whose default is the else node or an
 * `Error { failedNodeId: <branch node id>, message }` for `.else().fail(message)`. The branch
 * node's inputs are the promises its conditions read; its upstream nodes are those plus the
 * upstream nodes of every node inside it.
 */
import { create } from "@bufbuild/protobuf";
import { ErrorSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { IfBlockSchema, IfElseBlockSchema, NodeSchema, type Node, type NodeMetadata } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { NodeRecord } from "../builder.ts";
import { ConditionalDefinition } from "../conditional.ts";
import { FlyteError } from "../errors.ts";

/** Serializes one node of any kind (the workflow template's own function, passed in to avoid a cycle). */
export type NodeSerializer = (node: NodeRecord) => Node;

/** The branch node of `record`, whose entity is a conditional. */
export function branchNodeOf(record: NodeRecord, metadata: NodeMetadata, serialize: NodeSerializer): Node {
  const definition = record.entity as ConditionalDefinition;
  const [first, ...rest] = definition.cases;
  const elseBranch = definition.elseBranch;
  if (first === undefined || elseBranch === undefined) {
    throw new FlyteError("E_CONDITION", `conditional '${definition.name}' (node ${record.id}) is not finished; end it with .else().then(...) or .else().fail(...).`);
  }
  const block = (c: (typeof definition.cases)[number]) => create(IfBlockSchema, { condition: c.expression, thenNode: serialize(c.node) });
  return create(NodeSchema, {
    id: record.id,
    metadata,
    inputs: [...definition.inputs.values()],
    upstreamNodeIds: upstreamOf(record),
    target: {
      case: "branchNode",
      value: {
        ifElse: create(IfElseBlockSchema, {
          case: block(first),
          other: rest.map(block),
          default:
            elseBranch.kind === "node"
              ? { case: "elseNode", value: serialize(elseBranch.node) }
              : { case: "error", value: create(ErrorSchema, { failedNodeId: record.id, message: elseBranch.message }) },
        }),
      },
    },
  });
}

/** The nodes inside a conditional (its branch nodes, and theirs when nested). */
export function innerNodesOf(record: NodeRecord): NodeRecord[] {
  const definition = record.entity;
  if (!(definition instanceof ConditionalDefinition)) return [];
  const nodes = definition.cases.map((c) => c.node);
  if (definition.elseBranch?.kind === "node") nodes.push(definition.elseBranch.node);
  return nodes.flatMap((n) => [n, ...innerNodesOf(n)]);
}

/** Upstream ids of a branch node: its own, and those of its inner nodes that lie outside it. */
function upstreamOf(record: NodeRecord): string[] {
  const ids = new Set(record.upstream);
  for (const inner of innerNodesOf(record)) for (const id of inner.upstream) ids.add(id);
  const prefix = `${record.id}-`;
  return [...ids].filter((id) => id !== record.id && !id.startsWith(prefix));
}
