/** Messages between the page and the layout worker. */

/** A node to lay out: a box, or an expanded group holding its own nodes and edges. */
export interface LayoutNode {
  readonly id: string;
  /** The box's size; a group's comes from its laid-out children instead. */
  readonly width: number;
  readonly height: number;
  /** An expanded group's nodes, laid out inside it with `edges`. */
  readonly children?: readonly LayoutNode[] | undefined;
  /** Edges between `children` (ids of children only). */
  readonly edges?: readonly (readonly [string, string])[] | undefined;
}

/** A graph to lay out. */
export interface LayoutRequest {
  /** Echoed back, so a late answer for an older graph is ignored. */
  readonly id: number;
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly (readonly [string, string])[];
}

/** Top-left corner of every node (a group's children relative to their group), and each group's size. */
export interface LayoutResponse {
  readonly id: number;
  readonly positions: Readonly<Record<string, { readonly x: number; readonly y: number }>>;
  readonly sizes: Readonly<Record<string, { readonly width: number; readonly height: number }>>;
}
