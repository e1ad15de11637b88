/**
 * The workflow graph with live node phases (React Flow). Layout runs in a worker; until it
 * answers, a placeholder says so. A map node is one node with its items' phase histogram; a
 * click (or Enter on a focused node) selects the node for the panel.
 */
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeHandle, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useCallback, useMemo, useRef } from "react";
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { phaseTone } from "../lib/phases.ts";
import { MapHistogram } from "../components/map-histogram.tsx";
import { useLayout } from "./use-layout.ts";

export { prestartLayoutWorker } from "./use-layout.ts";

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

/** Above this many nodes the minimap is left out: it draws every node, visible or not. */
const MINIMAP_MAX_NODES = 1000;

const heightOf = (n: GraphNode): number => (n.kind === "map" ? MAP_HEIGHT : HEIGHT);
const HANDLE = 6;
function handlesOf(height: number): NodeHandle[] {
  const y = height / 2 - HANDLE / 2;
  return [
    { type: "target", position: Position.Left, x: -HANDLE / 2, y, width: HANDLE, height: HANDLE },
    { type: "source", position: Position.Right, x: WIDTH - HANDLE / 2, y, width: HANDLE, height: HANDLE },
  ];
}

/** Big graphs open on their first nodes (the sources, top left), readable, not on a speck of the whole. */
const FIT_FIRST_NODES = 40;

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return a.phase === b.phase && a.label === b.label && a.kind === b.kind && a.map === b.map;
}

/**
 * React Flow nodes that keep their identity while nothing about them changed. React Flow
 * re-measures and re-renders every node whose object is new, so re-creating 5,000 nodes on each
 * live update (or on a selection) costs seconds; here only the changed ones are new objects.
 */
function useFlowNodes(nodes: readonly GraphNode[], positions: LayoutPositions | undefined, selected: string | undefined, onSelect: (id: string) => void): Node<FlowData>[] {
  const cache = useRef(new Map<string, Node<FlowData>>());
  const laidOut = useRef<LayoutPositions | undefined>(undefined);
  return useMemo(() => {
    if (positions === undefined) return [];
    if (laidOut.current !== positions) cache.current.clear();
    laidOut.current = positions;
    const next = new Map<string, Node<FlowData>>();
    const out = nodes.map((n) => {
      const isSelected = n.id === selected;
      const old = cache.current.get(n.id);
      const node =
        old !== undefined && old.data.selected === isSelected && sameNode(old.data.node, n)
          ? old
          : {
              id: n.id,
              type: "flyte",
              position: positions[n.id] ?? { x: 0, y: 0 },
              data: { node: n, selected: isSelected, onSelect },
              draggable: false,
              connectable: false,
              selectable: false,
              width: WIDTH,
              height: heightOf(n),
              // Known handles: without them React Flow renders every node once (visible or not)
              // to measure where its handles are, which for 5,000 nodes takes seconds.
              handles: handlesOf(heightOf(n)),
            };
      next.set(n.id, node);
      return node;
    });
    cache.current = next;
    return out;
  }, [nodes, positions, selected, onSelect]);
}

type LayoutPositions = NonNullable<ReturnType<typeof useLayout>>;

/** The graph; positions come from the layout worker. */
export function ExecutionGraph({ nodes, edges, selected, onSelect }: ExecutionGraphProps) {
  const shapeKey = useMemo(() => `${nodes.map((n) => `${n.id}${n.kind === "map" ? "#" : ""}`).join(",")}|${edges.map((e) => e.join(">")).join(",")}`, [nodes, edges]);
  const layoutNodes = useMemo(() => nodes.map((n) => ({ id: n.id, width: WIDTH, height: n.kind === "map" ? MAP_HEIGHT : HEIGHT })), [shapeKey]);
  const positions = useLayout(layoutNodes, edges, shapeKey);
  // Nodes hold one stable callback, so a new `onSelect` (the page's URL changed) re-creates none.
  const latestOnSelect = useRef(onSelect);
  latestOnSelect.current = onSelect;
  const stableOnSelect = useCallback((id: string) => latestOnSelect.current(id), []);
  const flowNodes = useFlowNodes(nodes, positions, selected, stableOnSelect);
  const fitViewOptions = useMemo(
    () => ({ maxZoom: 1, minZoom: 0.25, ...(nodes.length > FIT_FIRST_NODES ? { nodes: nodes.slice(0, FIT_FIRST_NODES).map((n) => ({ id: n.id })) } : {}) }),
    [shapeKey],
  );
  const flowEdges = useMemo<Edge[]>(() => edges.map(([s, t]) => ({ id: `${s}>${t}`, source: s, target: t })), [edges]);
  if (nodes.length === 0) return <p className="muted">This workflow has no nodes.</p>;
  return (
    <div className="graph" aria-label="Workflow graph">
      {positions === undefined ? <p className="muted">Laying out {nodes.length} nodes…</p> : null}
      {/* Remounted once laid out, so the view fits the laid-out graph, not the empty one. */}
      <ReactFlow key={positions === undefined ? "unlaid" : "laid"} nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} fitView fitViewOptions={fitViewOptions} minZoom={0.05} onlyRenderVisibleElements proOptions={{ hideAttribution: true }} onNodeClick={(_, n) => stableOnSelect(n.id)} nodesFocusable={false} edgesFocusable={false}>
        <Background />
        <Controls showInteractive={false} />
        {/* Big graphs open readable (at least 25 %); the minimap shows where (up to 1,000 nodes). */}
        {nodes.length > 50 && nodes.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}
