/**
 * The workflow graph with live node phases (React Flow). Layout runs in a worker; until it
 * answers, a placeholder says so. A map node is one node with its items' phase histogram; a
 * sub-workflow, branch or dynamic node starts collapsed and expands into a group holding its
 * nested nodes and their edges (groups expand inside groups); a click (or Enter on a focused
 * node) selects the node for the panel. The view is fitted again whenever the layout changes.
 */
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, useStore, useStoreApi, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { handlesOf, nodeTypes, sizeOf, type FlowData, type GraphNode } from "./flow-nodes.tsx";
import { absoluteBoxOf, FollowSelection } from "./follow-selection.tsx";
import type { LayoutNode } from "./layout-types.ts";
import { useLayout, type Layout } from "./use-layout.ts";
import { fitTransform, idsInWindow, nextWindow, viewBox, type Box } from "./view-window.ts";

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

/**
 * Above this many nodes only those near the view are React Flow nodes (view-window.ts); up to it,
 * all of them are, so that the minimap can show them.
 */
const WINDOW_ABOVE_NODES = MINIMAP_MAX_NODES;

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
 * With `only` (a windowed graph), only the top-level nodes in it and their nested ones are made:
 * the others would be dropped by the window anyway, after costing an object each.
 */
function useFlowNodes(nodes: readonly GraphNode[], layout: Layout | undefined, selected: string | undefined, onSelect: (id: string) => void, onToggle: (id: string) => void, only: ReadonlySet<string> | undefined): Node<FlowData>[] {
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
    for (const n of nodes) if (only === undefined || only.has(n.id)) add(n, undefined);
    cache.current = next;
    return out;
  }, [nodes, layout, selected, onSelect, onToggle, only]);
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

/** The box around `nodes` (top-level ones, groups at their laid-out size). */
function boundsOf(nodes: readonly GraphNode[], layout: Layout): Box | undefined {
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
function RefitOnLayout({ layout, bounds }: { readonly layout: Layout | undefined; readonly bounds: Box | undefined }) {
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
    void flow.setViewport(fitTransform(bounds, width, height, FIT));
  }, [layout]);
  return null;
}

/** Reports the window of nodes to hand React Flow as its view moves (view-window.ts). */
function ViewWindow({ onWindow }: { readonly onWindow: (window: Box) => void }) {
  const [x, y, zoom] = useStore((s) => s.transform);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const last = useRef<Box | undefined>(undefined);
  useEffect(() => {
    if (width === 0 || height === 0) return;
    const next = nextWindow(last.current, viewBox({ x, y, zoom }, width, height));
    if (next === last.current) return;
    last.current = next;
    onWindow(next);
  }, [x, y, zoom, width, height]);
  return null;
}

/**
 * The zoom and fit controls of a windowed graph: fitting fits the whole graph from its layout,
 * since React Flow's own fit sees only the nodes it was given.
 */
function WindowedControls({ bounds }: { readonly bounds: Box | undefined }) {
  const flow = useReactFlow();
  const store = useStoreApi();
  const fitWhole = (): void => {
    if (bounds === undefined) return;
    const { width, height, minZoom } = store.getState();
    void flow.setViewport(fitTransform(bounds, width, height, { ...FIT, minZoom }));
  };
  return <Controls showInteractive={false} onFitView={fitWhole} />;
}

/** The first window, before React Flow has measured its view: the box the view opens on, with as much again all round. */
function openingWindow(b: Box): Box {
  const room = Math.max(b.width, b.height);
  return { x: b.x - room, y: b.y - room, width: b.width + 2 * room, height: b.height + 2 * room };
}

/** The top-level nodes' boxes (groups at their laid-out size). */
function boxesOf(nodes: readonly GraphNode[], layout: Layout): Map<string, Box> {
  return new Map(nodes.map((n) => [n.id, { ...(layout.positions[n.id] ?? { x: 0, y: 0 }), ...(layout.sizes[n.id] ?? sizeOf(n)) }]));
}

/** The edges between `nodes` (those of a window). */
function edgesAmong(nodes: readonly Node<FlowData>[], edges: readonly Edge[]): Edge[] {
  const shown = new Set(nodes.map((n) => n.id));
  return edges.filter((e) => shown.has(e.source) && shown.has(e.target));
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
  const fitViewOptions = useMemo(
    () => ({ maxZoom: FIT.maxZoom, minZoom: FIT.minZoom, ...(nodes.length > FIT_FIRST_NODES ? { nodes: nodes.slice(0, FIT_FIRST_NODES).map((n) => ({ id: n.id })) } : {}) }),
    [shapeKey],
  );
  // What a refit shows: the graph, or for a big one its first nodes (as on opening).
  const fitBounds = useMemo(() => (layout === undefined ? undefined : boundsOf(nodes.slice(0, FIT_FIRST_NODES), layout)), [layout]);
  const flowEdges = useMemo(() => flowEdgesOf(nodes, edges), [shapeKey]);
  const windowed = nodes.length > WINDOW_ABOVE_NODES;
  const [viewWindow, setViewWindow] = useState<Box | undefined>(undefined);
  const boxes = useMemo(() => (windowed && layout !== undefined ? boxesOf(nodes, layout) : undefined), [windowed, layout]);
  const inWindow = useMemo(() => {
    const window = viewWindow ?? (fitBounds === undefined ? undefined : openingWindow(fitBounds));
    return boxes === undefined || window === undefined ? undefined : idsInWindow(boxes, edges, window);
  }, [boxes, viewWindow, fitBounds]);
  const flowNodes = useFlowNodes(nodes, layout, selected, stableOnSelect, stableOnToggle, inWindow);
  const shown = useMemo(() => ({ nodes: flowNodes, edges: inWindow === undefined ? flowEdges : edgesAmong(flowNodes, flowEdges) }), [flowNodes, flowEdges, inWindow]);
  const selectedBox = useMemo(() => (layout === undefined || selected === undefined ? undefined : absoluteBoxOf(nodes, layout, selected)), [layout, selected]);
  const wholeBounds = useMemo(() => (windowed && layout !== undefined ? boundsOf(nodes, layout) : undefined), [windowed, layout]);
  // Runs after React Flow's own effects (those of children run first), so its nodes are set up.
  useEffect(() => {
    if (layout !== undefined || nodes.length === 0) onDrawn?.();
  }, [layout, nodes.length === 0]);
  if (nodes.length === 0) return <p className="muted">This workflow has no nodes.</p>;
  return (
    <div className="graph" aria-label="Workflow graph">
      {layout === undefined ? <p className="muted">Laying out {nodes.length} nodes…</p> : null}
      {/* Remounted once laid out, so the view fits the laid-out graph, not the empty one. */}
      <ReactFlow key={layout === undefined ? "unlaid" : "laid"} nodes={shown.nodes} edges={shown.edges} nodeTypes={nodeTypes} fitView fitViewOptions={fitViewOptions} minZoom={0.05} onlyRenderVisibleElements proOptions={{ hideAttribution: true }} onNodeClick={(_, n) => stableOnSelect(n.id)} nodesFocusable={false} edgesFocusable={false}>
        <RefitOnLayout layout={layout} bounds={fitBounds} />
        <FollowSelection selected={selected} box={selectedBox} />
        {windowed ? <ViewWindow onWindow={setViewWindow} /> : null}
        <Background />
        {windowed ? <WindowedControls bounds={wholeBounds} /> : <Controls showInteractive={false} />}
        {/* Big graphs open readable (at least 25 %); the minimap shows where (up to 1,000 nodes). */}
        {nodes.length > 50 && nodes.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}
