/**
 * Lays out a graph off the main thread with dagre (@dagrejs/dagre, MIT licence), so a
 * 5,000-node workflow does not freeze the page while its positions are computed.
 */
import dagre from "@dagrejs/dagre";
import type { LayoutRequest, LayoutResponse } from "./layout-types.ts";

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
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
  const response: LayoutResponse = { id, positions };
  self.postMessage(response);
};
