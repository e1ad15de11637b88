/**
 * Lays out a graph off the main thread, so a 5,000-node workflow never freezes the page: dagre
 * (@dagrejs/dagre, MIT licence) up to DAGRE_MAX_NODES nodes, the linear layered layout beyond (or
 * if dagre fails).
 */
import dagre from "@dagrejs/dagre";
import { layeredLayout } from "./layered-layout.ts";
import type { LayoutRequest, LayoutResponse } from "./layout-types.ts";

/** Above this, dagre takes seconds (and overflows the stack on long chains). */
const DAGRE_MAX_NODES = 500;

function dagreLayout({ nodes, edges }: LayoutRequest): LayoutResponse["positions"] {
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
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  let positions: LayoutResponse["positions"];
  try {
    positions = request.nodes.length > DAGRE_MAX_NODES ? layeredLayout(request.nodes, request.edges) : dagreLayout(request);
  } catch {
    positions = layeredLayout(request.nodes, request.edges);
  }
  const response: LayoutResponse = { id: request.id, positions };
  self.postMessage(response);
};
