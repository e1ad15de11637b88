/**
 * Keeps the selected node in view: a node chosen in the node list, the timeline or the URL may lie
 * outside the part of the graph on screen (or, in a windowed graph, not be a React Flow node at
 * all), so the view pans to centre it, at the same zoom. A node already wholly in view leaves the
 * view alone, so a click in the graph never moves it.
 */
import { useReactFlow, useStore, useStoreApi } from "@xyflow/react";
import { useEffect } from "react";
import { sizeOf, type GraphNode } from "./flow-nodes.tsx";
import type { Layout } from "./use-layout.ts";
import { contains, viewBox, type Box } from "./view-window.ts";

/** The box of node `id` in the graph's coordinates (a nested node's position is its group's plus its own). */
export function absoluteBoxOf(nodes: readonly GraphNode[], layout: Layout, id: string): Box | undefined {
  const visit = (list: readonly GraphNode[], dx: number, dy: number): Box | undefined => {
    for (const n of list) {
      const p = layout.positions[n.id];
      if (p === undefined) continue;
      const [x, y] = [dx + p.x, dy + p.y];
      if (n.id === id) return { x, y, ...(layout.sizes[n.id] ?? sizeOf(n)) };
      const inner = n.children === undefined ? undefined : visit(n.children, x, y);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return visit(nodes, 0, 0);
}

/** Pans the view to `box` (the selected node's) when it is not wholly in view; inside `<ReactFlow>`. */
export function FollowSelection({ selected, box }: { readonly selected: string | undefined; readonly box: Box | undefined }) {
  const flow = useReactFlow();
  const store = useStoreApi();
  // The first fit is applied once React Flow has its nodes: follow only after it, or it undoes the pan.
  const fitPending = useStore((s) => s.fitViewQueued);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    if (fitPending || box === undefined || width === 0 || height === 0) return;
    const [x, y, zoom] = store.getState().transform;
    if (contains(viewBox({ x, y, zoom }, width, height), box)) return;
    void flow.setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom });
    // Checked when the selection changes or the view is resized (the panel opening narrows it),
    // never when the user pans: they may look elsewhere.
  }, [selected, fitPending, width, height, box === undefined]);
  return null;
}
