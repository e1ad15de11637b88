/** A map node's items by phase: a stacked bar and counts (the whole map as one node). */
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { nodePhaseName, phaseTone } from "../lib/phases.ts";

/** Phase counts of a map node's items. */
export function MapHistogram({ summary, compact = false }: { readonly summary: MapItemSummary; readonly compact?: boolean }) {
  const total = Math.max(1, summary.count);
  const bars = Object.entries(summary.phases)
    .map(([phase, n]) => ({ name: Number(phase) === 0 ? "NOT_STARTED" : nodePhaseName(Number(phase)), n }))
    .filter((b) => b.n > 0)
    .sort((a, b) => b.n - a.n);
  const label = bars.map((b) => `${b.n} ${b.name.toLowerCase()}`).join(", ");
  return (
    <div className={`histogram ${compact ? "compact" : ""}`} role="img" aria-label={`${summary.count} items: ${label}`} data-histogram={label}>
      <div className="bar">
        {bars.map((b) => <span key={b.name} className={`seg ${phaseTone(b.name)}`} style={{ width: `${(100 * b.n) / total}%` }} />)}
      </div>
      {compact ? (
        <div className="counts">{summary.count} items</div>
      ) : (
        <ul className="legend">
          {bars.map((b) => <li key={b.name}><span className={`dot ${phaseTone(b.name)}`} />{b.name.toLowerCase().replaceAll("_", " ")}: {b.n}</li>)}
        </ul>
      )}
    </div>
  );
}
