/**
 * The graph's node components and sizes: a node (task, gate, map with its histogram, ...), and a
 * group — an expanded sub-workflow, branch or dynamic node, drawn as a box holding its children.
 * Nodes with children have a toggle that expands or collapses them.
 */
import { Handle, Position, type Node, type NodeHandle, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { MapHistogram } from "../components/map-histogram.tsx";
import { phaseTone } from "../lib/phases.ts";
import type { GraphNode } from "./graph-node.ts";

export type { GraphNode } from "./graph-node.ts";

/** What each React Flow node carries. */
export type FlowData = { node: GraphNode; selected: boolean; onSelect: (id: string) => void; onToggle: (id: string) => void };

export const WIDTH = 200;
export const HEIGHT = 56;
const MAP_HEIGHT = 84;
const HANDLE = 6;

/** The size of a node's own box (an expanded group's size comes from the layout of its children). */
export function sizeOf(n: GraphNode): { width: number; height: number } {
  return { width: WIDTH, height: n.kind === "map" ? MAP_HEIGHT : HEIGHT };
}

/**
 * Where a node's handles are. Known handles spare React Flow rendering every node once (visible
 * or not) to measure them, which for 5,000 nodes takes seconds. Edges meet a group at its header.
 */
export function handlesOf(width: number): NodeHandle[] {
  const y = HEIGHT / 2 - HANDLE / 2;
  return [
    { type: "target", position: Position.Left, x: -HANDLE / 2, y, width: HANDLE, height: HANDLE },
    { type: "source", position: Position.Right, x: width - HANDLE / 2, y, width: HANDLE, height: HANDLE },
  ];
}

function Toggle({ node, onToggle }: { readonly node: GraphNode; readonly onToggle: (id: string) => void }) {
  if ((node.childCount ?? 0) === 0) return null;
  const expanded = node.children !== undefined;
  return (
    <button
      type="button"
      className="gnode-toggle nodrag"
      aria-expanded={expanded}
      aria-label={`${expanded ? "Collapse" : "Expand"} ${node.id} (${node.childCount} nested)`}
      onClick={(e) => {
        e.stopPropagation();
        onToggle(node.id);
      }}
    >
      {expanded ? "−" : `+${node.childCount}`}
    </button>
  );
}

/** The selectable face of a node: its title, kind and phase (and a map's histogram). */
function Face({ data }: { readonly data: FlowData }) {
  const { node, selected, onSelect } = data;
  return (
    <div
      className={`gnode ${phaseTone(node.phase)} ${selected ? "selected" : ""}`}
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      data-node-id={node.id}
      data-phase={node.phase}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onSelect(node.id);
        }
      }}
    >
      <div className="gnode-title">{node.label}</div>
      <div className="gnode-sub">{node.kind} · {node.phase.toLowerCase().replaceAll("_", " ")}</div>
      {node.map === undefined ? null : <MapHistogram summary={node.map} compact />}
    </div>
  );
}

const FlyteNode = memo(function FlyteNode({ data }: NodeProps<Node<FlowData>>) {
  return (
    <div className="gnode-box">
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Face data={data} />
      <Toggle node={data.node} onToggle={data.onToggle} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const FlyteGroup = memo(function FlyteGroup({ data }: NodeProps<Node<FlowData>>) {
  return (
    <div className="ggroup" role="group" aria-label={`${data.node.id}: ${data.node.children?.length ?? 0} nested nodes`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Face data={data} />
      <Toggle node={data.node} onToggle={data.onToggle} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

/** React Flow's node types of the graph. */
export const nodeTypes = { flyte: FlyteNode, flyteGroup: FlyteGroup };
