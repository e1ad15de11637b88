/**
 * One node of the graph as the page knows it: a plain type of its own, so that code building the
 * graph (graph-nodes.ts) does not depend on the components that draw it.
 */
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";

/** One node of the graph as the page knows it. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** "task", "map", "gate", "branch", "subworkflow", ... */
  readonly kind: string;
  readonly phase: string;
  readonly map?: MapItemSummary | undefined;
  /** How many nested nodes (sub-workflow, branch or dynamic children) were recorded under it. */
  readonly childCount?: number | undefined;
  /** Its nested nodes, when expanded; drawn inside it as a group. */
  readonly children?: readonly GraphNode[] | undefined;
  /** Edges between `children` (their ids), from the nested workflow's connections. */
  readonly childEdges?: readonly (readonly [string, string])[] | undefined;
}
