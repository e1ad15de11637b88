/**
 * The workflow graph with live node phases (React Flow). Layout runs in a worker; until it
 * answers, a placeholder says so. A map node is one node with its items' phase histogram; a
 * sub-workflow, branch or dynamic node starts collapsed and expands into a group holding its
 * nested nodes; a click (or Enter on a focused node) selects the node for the panel.
 */
import { Background, Controls, MiniMap, ReactFlow, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useMemo, useRef } from "react";
import { childPositions, handlesOf, nodeTypes, sizeOf, type FlowData, type GraphNode } from "./flow-nodes.tsx";
import { useLayout } from "./use-layout.ts";

export type { GraphNode } from "./flow-nodes.tsx";
export { prestartLayoutWorker } from "./use-layout.ts";

/** Props of {@link ExecutionGraph}. */
export interface ExecutionGraphProps {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly (readonly [string, string])[];
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
  /** Expands or collapses a node with nested nodes (none without). */
  readonly onToggle?: (id: string) => void;
}

/** Above this many nodes the minimap is left out: it draws every node, visible or not. */
const MINIMAP_MAX_NODES = 1000;

/** Big graphs open on their first nodes (the sources, top left), readable, not on a speck of the whole. */
const FIT_FIRST_NODES = 40;

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return a.phase === b.phase && a.label === b.label && a.kind === b.kind && a.map === b.map && a.childCount === b.childCount && a.children === b.children;
}

const FIXED = { draggable: false, connectable: false, selectable: false } as const;

/**
 * React Flow nodes that keep their identity while nothing about them changed. React Flow
 * re-measures and re-renders every node whose object is new, so re-creating 5,000 nodes on each
 * live update (or on a selection) costs seconds; here only the changed ones are new objects.
 */
function useFlowNodes(nodes: readonly GraphNode[], positions: LayoutPositions | undefined, selected: string | undefined, onSelect: (id: string) => void, onToggle: (id: string) => void): Node<FlowData>[] {
  const cache = useRef(new Map<string, Node<FlowData>>());
  const laidOut = useRef<LayoutPositions | undefined>(undefined);
  return useMemo(() => {
    if (positions === undefined) return [];
    if (laidOut.current !== positions) cache.current.clear();
    laidOut.current = positions;
    const next = new Map<string, Node<FlowData>>();
    const out: Node<FlowData>[] = [];
    const add = (n: GraphNode, make: () => Node<FlowData>): void => {
      const old = cache.current.get(n.id);
      const node = old !== undefined && old.data.selected === (n.id === selected) && sameNode(old.data.node, n) ? old : make();
      next.set(n.id, node);
      out.push(node);
    };
    const data = (n: GraphNode): FlowData => ({ node: n, selected: n.id === selected, onSelect, onToggle });
    for (const n of nodes) {
      const size = sizeOf(n);
      const group = n.children !== undefined && n.children.length > 0;
      add(n, () => ({ id: n.id, type: group ? "flyteGroup" : "flyte", position: positions[n.id] ?? { x: 0, y: 0 }, data: data(n), ...FIXED, ...size, handles: handlesOf(size.width) }));
      // Children after their group (React Flow needs parents first), placed inside it.
      const at = childPositions(n);
      n.children?.forEach((c, i) => {
        add(c, () => ({ id: c.id, type: "flyte", parentId: n.id, extent: "parent", position: at[i] ?? { x: 0, y: 0 }, data: data(c), ...FIXED, ...sizeOf(c), handles: handlesOf(sizeOf(c).width) }));
      });
    }
    cache.current = next;
    return out;
  }, [nodes, positions, selected, onSelect, onToggle]);
}

type LayoutPositions = NonNullable<ReturnType<typeof useLayout>>;

/** The graph; positions come from the layout worker. */
export function ExecutionGraph({ nodes, edges, selected, onSelect, onToggle }: ExecutionGraphProps) {
  // The layout depends on ids and sizes only (a group's size on its children): phases change without one.
  const shapeKey = useMemo(() => `${nodes.map((n) => { const { width, height } = sizeOf(n); return `${n.id}:${width}x${height}`; }).join(",")}|${edges.map((e) => e.join(">")).join(",")}`, [nodes, edges]);
  const layoutNodes = useMemo(() => nodes.map((n) => ({ id: n.id, ...sizeOf(n) })), [shapeKey]);
  const positions = useLayout(layoutNodes, edges, shapeKey);
  // Nodes hold one stable callback, so a new `onSelect` (the page's URL changed) re-creates none.
  const latestOnSelect = useRef(onSelect);
  latestOnSelect.current = onSelect;
  const stableOnSelect = useCallback((id: string) => latestOnSelect.current(id), []);
  const latestOnToggle = useRef(onToggle);
  latestOnToggle.current = onToggle;
  const stableOnToggle = useCallback((id: string) => latestOnToggle.current?.(id), []);
  const flowNodes = useFlowNodes(nodes, positions, selected, stableOnSelect, stableOnToggle);
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
