/** Messages between the page and the layout worker. */

/** A graph to lay out. */
export interface LayoutRequest {
  /** Echoed back, so a late answer for an older graph is ignored. */
  readonly id: number;
  readonly nodes: readonly { readonly id: string; readonly width: number; readonly height: number }[];
  readonly edges: readonly (readonly [string, string])[];
}

/** Top-left corner of every node. */
export interface LayoutResponse {
  readonly id: number;
  readonly positions: Readonly<Record<string, { readonly x: number; readonly y: number }>>;
}
