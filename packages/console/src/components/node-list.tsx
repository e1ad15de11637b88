/**
 * Every recorded node of an execution (nested ones under their parents), virtualized so that
 * thousands of nodes scroll smoothly; a row selects its node.
 */
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { nodePhaseName } from "../lib/phases.ts";
import { durationMs, formatDuration } from "../lib/time.ts";
import { PhaseBadge } from "./phase-badge.tsx";

const ROW = 34;

/** The node list. */
export function NodeList({ nodes, selected, onSelect }: { readonly nodes: readonly NodeExecution[]; readonly selected: string | undefined; readonly onSelect: (id: string) => void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: nodes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  return (
    <div className="node-list" ref={scroller} role="list" aria-label="Nodes">
      <div style={{ height: rows.getTotalSize(), position: "relative" }}>
        {rows.getVirtualItems().map((row) => {
          const n = nodes[row.index];
          if (n === undefined) return null;
          const id = n.id?.nodeId ?? "";
          const depth = id.split("-").length - 1;
          return (
            <div key={id} role="listitem" className="node-row" style={{ position: "absolute", top: row.start, height: ROW, left: 0, right: 0 }}>
              <button type="button" className={`link ${id === selected ? "current" : ""}`} style={{ paddingLeft: 8 + depth * 14 }} onClick={() => onSelect(id)} aria-current={id === selected}>
                {id}
              </button>
              <PhaseBadge phase={nodePhaseName(n.closure?.phase ?? 0)} />
              <span className="num">{formatDuration(durationMs(n.closure?.duration))}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
