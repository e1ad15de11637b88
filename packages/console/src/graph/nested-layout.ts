/**
 * Layout of a graph whose expanded groups hold graphs of their own (a sub-workflow inside a
 * sub-workflow): each group's children are laid out first, with their own edges, and the group
 * becomes a box of their size (plus its header and padding) in the graph around it.
 */
import type { LayoutNode, LayoutResponse } from "./layout-types.ts";

/** Lays out one level: top-left positions of boxes with known sizes. */
export type FlatLayout = (
  nodes: readonly { readonly id: string; readonly width: number; readonly height: number }[],
  edges: readonly (readonly [string, string])[],
) => LayoutResponse["positions"];

/** Space above a group's children, for its own face (title, kind, phase, toggle). */
export const GROUP_HEADER = 56;
/** Padding around a group's children. */
export const GROUP_PAD = 12;

/**
 * Positions of every node (children relative to their group's top-left) and the size of every
 * group, laying out each level with `flat`. Iterative over levels deepest first would need the
 * same work; recursion is bounded by the nesting depth of workflows, not by their size.
 */
export function nestedLayout(nodes: readonly LayoutNode[], edges: readonly (readonly [string, string])[], flat: FlatLayout): Omit<LayoutResponse, "id"> {
  const positions: Record<string, { x: number; y: number }> = {};
  const sizes: Record<string, { width: number; height: number }> = {};
  const level = (members: readonly LayoutNode[], links: readonly (readonly [string, string])[]): { width: number; height: number } => {
    const boxes = members.map((n) => {
      if (n.children === undefined || n.children.length === 0) return { id: n.id, width: n.width, height: n.height };
      const inner = level(n.children, n.edges ?? []);
      const size = { width: Math.max(n.width, inner.width + 2 * GROUP_PAD), height: GROUP_HEADER + inner.height + 2 * GROUP_PAD };
      sizes[n.id] = size;
      // Children were placed from (0, 0): move them under the header, inside the padding.
      for (const c of n.children) {
        const p = positions[c.id];
        if (p !== undefined) positions[c.id] = { x: p.x + GROUP_PAD, y: p.y + GROUP_HEADER + GROUP_PAD };
      }
      return { id: n.id, ...size };
    });
    const placed = flat(boxes, links);
    // Normalised to start at (0, 0), so a group's padding is the same on every side.
    let minX = Infinity;
    let minY = Infinity;
    for (const b of boxes) {
      minX = Math.min(minX, placed[b.id]?.x ?? 0);
      minY = Math.min(minY, placed[b.id]?.y ?? 0);
    }
    let width = 0;
    let height = 0;
    for (const b of boxes) {
      const p = { x: (placed[b.id]?.x ?? 0) - minX, y: (placed[b.id]?.y ?? 0) - minY };
      positions[b.id] = p;
      width = Math.max(width, p.x + b.width);
      height = Math.max(height, p.y + b.height);
    }
    return { width, height };
  };
  level(nodes, edges);
  return { positions, sizes };
}
