/**
 * Lays out a graph off the main thread, so a 5,000-node workflow never freezes the page: dagre
 * (@dagrejs/dagre, MIT licence) up to DAGRE_MAX_NODES nodes on a level, the linear layered layout
 * beyond (or if dagre fails); expanded groups are laid out inside first (nested-layout.ts).
 */
import dagre from "@dagrejs/dagre";
import { layeredLayout } from "./layered-layout.ts";
import type { LayoutRequest, LayoutResponse } from "./layout-types.ts";
import { nestedLayout, type FlatLayout } from "./nested-layout.ts";

/** Above this, dagre takes seconds (and overflows the stack on long chains). */
const DAGRE_MAX_NODES = 500;

const dagreLayout: FlatLayout = (nodes, edges) => {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const [source, target] of edges) g.setEdge(source, target);
  dagre.layout(g);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const n of nodes) {
    const laid = g.node(n.id) as { x: number; y: number };
    positions[n.id] = { x: laid.x - n.width / 2, y: laid.y - n.height / 2 };
  }
  return positions;
};

const flat: FlatLayout = (nodes, edges) => {
  if (nodes.length > DAGRE_MAX_NODES) return layeredLayout(nodes, edges);
  try {
    return dagreLayout(nodes, edges);
  } catch {
    return layeredLayout(nodes, edges);
  }
};

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  const response: LayoutResponse = { id: request.id, ...nestedLayout(request.nodes, request.edges, flat) };
  self.postMessage(response);
};
