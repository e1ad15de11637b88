/**
 * A fast layered layout for graphs too big for dagre (whose ordering phases grow much faster
 * than the graph, and whose recursion overflows the stack on long chains): each node's column
 * is its longest path from a source (iterative, so chains of any length work), and nodes stack
 * in their column in input order. Linear in nodes and edges; crossings are not minimized.
 */
import type { LayoutRequest, LayoutResponse } from "./layout-types.ts";

const COLUMN_GAP = 56;
const ROW_GAP = 24;

/** Top-left positions of `nodes` in columns by longest path; edges to unknown nodes are ignored. */
export function layeredLayout(nodes: LayoutRequest["nodes"], edges: LayoutRequest["edges"]): LayoutResponse["positions"] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[][] = nodes.map(() => []);
  const indegree = new Array<number>(nodes.length).fill(0);
  for (const [s, t] of edges) {
    const a = index.get(s);
    const b = index.get(t);
    if (a === undefined || b === undefined || a === b) continue;
    out[a]!.push(b);
    indegree[b]!++;
  }
  // Kahn's order; nodes left on a cycle keep column 0 after the others.
  const rank = new Array<number>(nodes.length).fill(0);
  const queue: number[] = [];
  indegree.forEach((d, i) => {
    if (d === 0) queue.push(i);
  });
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of out[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  const columnWidth: number[] = [];
  nodes.forEach((n, i) => {
    columnWidth[rank[i]!] = Math.max(columnWidth[rank[i]!] ?? 0, n.width);
  });
  const columnX: number[] = [];
  let x = 0;
  for (let c = 0; c < columnWidth.length; c++) {
    columnX[c] = x;
    x += (columnWidth[c] ?? 0) + COLUMN_GAP;
  }
  const columnY: number[] = [];
  const positions: Record<string, { x: number; y: number }> = {};
  nodes.forEach((n, i) => {
    const c = rank[i]!;
    const y = columnY[c] ?? 0;
    positions[n.id] = { x: columnX[c] ?? 0, y };
    columnY[c] = y + n.height + ROW_GAP;
  });
  return positions;
}
