/**
 * The workflow graph with live node phases (React Flow). Layout runs in a worker; until it
 * answers, a placeholder says so. A map node is one node with its items' phase histogram; a
 * click (or Enter on a focused node) selects the node for the panel.
 */
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useMemo } from "react";
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { phaseTone } from "../lib/phases.ts";
import { MapHistogram } from "../components/map-histogram.tsx";
import { useLayout } from "./use-layout.ts";

/** One node of the graph as the page knows it. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** "task", "map", "gate", "branch", "subworkflow", ... */
  readonly kind: string;
  readonly phase: string;
  readonly map?: MapItemSummary | undefined;
}

type FlowData = { node: GraphNode; selected: boolean; onSelect: (id: string) => void };
const WIDTH = 200;
const HEIGHT = 56;
const MAP_HEIGHT = 84;

const FlyteNode = memo(function FlyteNode({ data }: NodeProps<Node<FlowData>>) {
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
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="gnode-title">{node.label}</div>
      <div className="gnode-sub">{node.kind} · {node.phase.toLowerCase().replaceAll("_", " ")}</div>
      {node.map === undefined ? null : <MapHistogram summary={node.map} compact />}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { flyte: FlyteNode };

/** Props of {@link ExecutionGraph}. */
export interface ExecutionGraphProps {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly (readonly [string, string])[];
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
}

/** The graph; positions come from the layout worker. */
export function ExecutionGraph({ nodes, edges, selected, onSelect }: ExecutionGraphProps) {
  const shapeKey = useMemo(() => `${nodes.map((n) => `${n.id}${n.kind === "map" ? "#" : ""}`).join(",")}|${edges.map((e) => e.join(">")).join(",")}`, [nodes, edges]);
  const layoutNodes = useMemo(() => nodes.map((n) => ({ id: n.id, width: WIDTH, height: n.kind === "map" ? MAP_HEIGHT : HEIGHT })), [shapeKey]);
  const positions = useLayout(layoutNodes, edges, shapeKey);
  const flowNodes = useMemo<Node<FlowData>[]>(
    () =>
      positions === undefined
        ? []
        : nodes.map((n) => ({
            id: n.id,
            type: "flyte",
            position: positions[n.id] ?? { x: 0, y: 0 },
            data: { node: n, selected: n.id === selected, onSelect },
            draggable: false,
            connectable: false,
            selectable: false,
            width: WIDTH,
            height: n.kind === "map" ? MAP_HEIGHT : HEIGHT,
          })),
    [positions, nodes, selected, onSelect],
  );
  const flowEdges = useMemo<Edge[]>(() => edges.map(([s, t]) => ({ id: `${s}>${t}`, source: s, target: t })), [edges]);
  if (nodes.length === 0) return <p className="muted">This workflow has no nodes.</p>;
  return (
    <div className="graph" aria-label="Workflow graph">
      {positions === undefined ? <p className="muted">Laying out {nodes.length} nodes…</p> : null}
      {/* Remounted once laid out, so the view fits the laid-out graph, not the empty one. */}
      <ReactFlow key={positions === undefined ? "unlaid" : "laid"} nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1, minZoom: 0.25 }} minZoom={0.05} onlyRenderVisibleElements proOptions={{ hideAttribution: true }} onNodeClick={(_, n) => onSelect(n.id)} nodesFocusable={false} edgesFocusable={false}>
        <Background />
        <Controls showInteractive={false} />
        {/* Big graphs open readable (at least 25 %), centred; the minimap shows where. */}
        {nodes.length > 50 ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}
