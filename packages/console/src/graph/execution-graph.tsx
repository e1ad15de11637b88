/**
 * The workflow graph with live node phases (React Flow). Layout runs in a worker; until it
 * answers, a placeholder says so. A map node is one node with its items' phase histogram; a
 * sub-workflow, branch or dynamic node starts collapsed and expands into a group holding its
 * nested nodes and their edges (groups expand inside groups); a click (or Enter on a focused
 * node) selects the node for the panel. The view is fitted again whenever the layout changes.
 */
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, useStoreApi, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { handlesOf, nodeTypes, sizeOf, type FlowData, type GraphNode } from "./flow-nodes.tsx";
import type { LayoutNode } from "./layout-types.ts";
import { useLayout, type Layout } from "./use-layout.ts";

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
  /** Called once the graph is drawn laid out (or has no nodes to draw), after React Flow set up its nodes. */
  readonly onDrawn?: () => void;
}

/** Above this many nodes the minimap is left out: it draws every node, visible or not. */
const MINIMAP_MAX_NODES = 1000;

/** Big graphs open on their first nodes (the sources, top left), readable, not on a speck of the whole. */
const FIT_FIRST_NODES = 40;

function sameNode(a: GraphNode, b: GraphNode): boolean {
  return a.phase === b.phase && a.label === b.label && a.kind === b.kind && a.map === b.map && a.childCount === b.childCount && a.children === b.children;
}

const FIXED = { draggable: false, connectable: false, selectable: false } as const;

const isGroup = (n: GraphNode): boolean => n.children !== undefined && n.children.length > 0;

/** What the layout needs of the graph: ids, box sizes, and each expanded group's own graph. */
function layoutNodesOf(nodes: readonly GraphNode[]): LayoutNode[] {
  return nodes.map((n) => ({ id: n.id, ...sizeOf(n), ...(isGroup(n) ? { children: layoutNodesOf(n.children ?? []), edges: n.childEdges ?? [] } : {}) }));
}

/** A key that changes exactly when the layout would: ids, sizes, expanded groups and edges (not phases). */
function shapeKeyOf(nodes: readonly GraphNode[], edges: readonly (readonly [string, string])[]): string {
  const part = (n: GraphNode): string => {
    const { width, height } = sizeOf(n);
    return isGroup(n) ? `${n.id}:${width}x${height}[${(n.children ?? []).map(part).join(",")}|${(n.childEdges ?? []).map((e) => e.join(">")).join(",")}]` : `${n.id}:${width}x${height}`;
  };
  return `${nodes.map(part).join(",")}|${edges.map((e) => e.join(">")).join(",")}`;
}

/**
 * React Flow nodes that keep their identity while nothing about them changed. React Flow
 * re-measures and re-renders every node whose object is new, so re-creating 5,000 nodes on each
 * live update (or on a selection) costs seconds; here only the changed ones are new objects.
 */
function useFlowNodes(nodes: readonly GraphNode[], layout: Layout | undefined, selected: string | undefined, onSelect: (id: string) => void, onToggle: (id: string) => void): Node<FlowData>[] {
  const cache = useRef(new Map<string, Node<FlowData>>());
  const laidOut = useRef<Layout | undefined>(undefined);
  return useMemo(() => {
    if (layout === undefined) return [];
    if (laidOut.current !== layout) cache.current.clear();
    laidOut.current = layout;
    const next = new Map<string, Node<FlowData>>();
    const out: Node<FlowData>[] = [];
    const data = (n: GraphNode): FlowData => ({ node: n, selected: n.id === selected, onSelect, onToggle });
    // Parents before their children, as React Flow needs; children are placed inside their group.
    const add = (n: GraphNode, parentId: string | undefined): void => {
      const old = cache.current.get(n.id);
      const group = isGroup(n);
      const size = group ? (layout.sizes[n.id] ?? sizeOf(n)) : sizeOf(n);
      const node = old !== undefined && old.data.selected === (n.id === selected) && sameNode(old.data.node, n)
        ? old
        : {
            id: n.id,
            type: group ? "flyteGroup" : "flyte",
            position: layout.positions[n.id] ?? { x: 0, y: 0 },
            data: data(n),
            ...FIXED,
            ...size,
            handles: handlesOf(size.width),
            ...(parentId === undefined ? {} : { parentId, extent: "parent" as const }),
          };
      next.set(n.id, node);
      out.push(node);
      if (group) for (const c of n.children ?? []) add(c, n.id);
    };
    for (const n of nodes) add(n, undefined);
    cache.current = next;
    return out;
  }, [nodes, layout, selected, onSelect, onToggle]);
}

/** Every edge to draw: the workflow's, and those inside expanded groups (at any depth). */
function flowEdgesOf(nodes: readonly GraphNode[], edges: readonly (readonly [string, string])[]): Edge[] {
  const out: Edge[] = edges.map(([s, t]) => ({ id: `${s}>${t}`, source: s, target: t }));
  const visit = (n: GraphNode): void => {
    if (!isGroup(n)) return;
    for (const [s, t] of n.childEdges ?? []) out.push({ id: `${s}>${t}`, source: s, target: t });
    n.children?.forEach(visit);
  };
  nodes.forEach(visit);
  return out;
}

/** A box in the graph's coordinates. */
interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The box around `nodes` (top-level ones, groups at their laid-out size). */
function boundsOf(nodes: readonly GraphNode[], layout: Layout): Bounds | undefined {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of nodes) {
    const p = layout.positions[n.id];
    if (p === undefined) continue;
    const size = layout.sizes[n.id] ?? sizeOf(n);
    [x0, y0, x1, y1] = [Math.min(x0, p.x), Math.min(y0, p.y), Math.max(x1, p.x + size.width), Math.max(y1, p.y + size.height)];
  }
  return x0 === Infinity ? undefined : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Zoom limits and padding of a fitted view, as `fitViewOptions` gives them on mount. */
const FIT = { minZoom: 0.25, maxZoom: 1, padding: 0.1 } as const;

/**
 * Fits the view to `bounds` after every new layout but the first (a group expanded or
 * collapsed), so nothing ends up cut off at an edge of the view. The box comes from the layout
 * itself: React Flow's own fitView measures nodes it has drawn, and nodes just pushed out of
 * view by a group are not drawn.
 */
function RefitOnLayout({ layout, bounds }: { readonly layout: Layout | undefined; readonly bounds: Bounds | undefined }) {
  const flow = useReactFlow();
  const store = useStoreApi();
  const first = useRef(true);
  useEffect(() => {
    if (layout === undefined || bounds === undefined) return;
    // The first layout is fitted by `fitView` on mount.
    if (first.current) {
      first.current = false;
      return;
    }
    const { width, height } = store.getState();
    const zoom = Math.min(FIT.maxZoom, Math.max(FIT.minZoom, Math.min(width / (bounds.width * (1 + 2 * FIT.padding)), height / (bounds.height * (1 + 2 * FIT.padding)))));
    void flow.setViewport({ zoom, x: (width - bounds.width * zoom) / 2 - bounds.x * zoom, y: (height - bounds.height * zoom) / 2 - bounds.y * zoom });
  }, [layout]);
  return null;
}

/** The graph; positions come from the layout worker. */
export function ExecutionGraph({ nodes, edges, selected, onSelect, onToggle, onDrawn }: ExecutionGraphProps) {
  const shapeKey = useMemo(() => shapeKeyOf(nodes, edges), [nodes, edges]);
  const layoutNodes = useMemo(() => layoutNodesOf(nodes), [shapeKey]);
  const layout = useLayout(layoutNodes, edges, shapeKey);
  // Nodes hold one stable callback, so a new `onSelect` (the page's URL changed) re-creates none.
  const latestOnSelect = useRef(onSelect);
  latestOnSelect.current = onSelect;
  const stableOnSelect = useCallback((id: string) => latestOnSelect.current(id), []);
  const latestOnToggle = useRef(onToggle);
  latestOnToggle.current = onToggle;
  const stableOnToggle = useCallback((id: string) => latestOnToggle.current?.(id), []);
  const flowNodes = useFlowNodes(nodes, layout, selected, stableOnSelect, stableOnToggle);
  const fitViewOptions = useMemo(
    () => ({ maxZoom: FIT.maxZoom, minZoom: FIT.minZoom, ...(nodes.length > FIT_FIRST_NODES ? { nodes: nodes.slice(0, FIT_FIRST_NODES).map((n) => ({ id: n.id })) } : {}) }),
    [shapeKey],
  );
  // What a refit shows: the graph, or for a big one its first nodes (as on opening).
  const fitBounds = useMemo(() => (layout === undefined ? undefined : boundsOf(nodes.slice(0, FIT_FIRST_NODES), layout)), [layout]);
  const flowEdges = useMemo(() => flowEdgesOf(nodes, edges), [shapeKey]);
  // Runs after React Flow's own effects (those of children run first), so its nodes are set up.
  useEffect(() => {
    if (layout !== undefined || nodes.length === 0) onDrawn?.();
  }, [layout, nodes.length === 0]);
  if (nodes.length === 0) return <p className="muted">This workflow has no nodes.</p>;
  return (
    <div className="graph" aria-label="Workflow graph">
      {layout === undefined ? <p className="muted">Laying out {nodes.length} nodes…</p> : null}
      {/* Remounted once laid out, so the view fits the laid-out graph, not the empty one. */}
      <ReactFlow key={layout === undefined ? "unlaid" : "laid"} nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} fitView fitViewOptions={fitViewOptions} minZoom={0.05} onlyRenderVisibleElements proOptions={{ hideAttribution: true }} onNodeClick={(_, n) => stableOnSelect(n.id)} nodesFocusable={false} edgesFocusable={false}>
        <RefitOnLayout layout={layout} bounds={fitBounds} />
        <Background />
        <Controls showInteractive={false} />
        {/* Big graphs open readable (at least 25 %); the minimap shows where (up to 1,000 nodes). */}
        {nodes.length > 50 && nodes.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}
