/**
 * The execution's timeline (Gantt): one row per recorded node, a bar from its start to its end
 * (or to now while it runs), coloured by phase, on one time axis from the execution's start.
 * Rows are virtualized, so thousands of nodes scroll smoothly; the selected node's row also draws
 * its attempts (one request, for that node only) as segments on the same axis.
 */
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { admin } from "../api/clients.ts";
import { nodePhaseName, phaseTone, taskPhaseName } from "../lib/phases.ts";
import { durationMs, formatDuration, msOf } from "../lib/time.ts";

const ROW = 30;
/** Phases (node or task, by name) after which nothing runs any more. */
const ENDED = new Set(["SUCCEEDED", "FAILED", "ABORTED", "SKIPPED", "TIMED_OUT", "RECOVERED"]);

/** Start and end (ms since the epoch) of something that ran; end is `now` while it runs. */
interface Span {
  readonly start: number;
  readonly end: number;
}

function spanOf(startedAt: number | undefined, duration: number | undefined, running: boolean, now: number): Span | undefined {
  if (startedAt === undefined) return undefined;
  return { start: startedAt, end: running ? Math.max(now, startedAt) : startedAt + (duration ?? 0) };
}

function nodeSpan(n: NodeExecution, now: number): Span | undefined {
  const phase = nodePhaseName(n.closure?.phase ?? 0);
  return spanOf(msOf(n.closure?.startedAt), durationMs(n.closure?.duration), !ENDED.has(phase), now);
}

/** Left offset and width of `span` on the axis, in percent. */
function place(span: Span, axis: Span): { left: string; width: string } {
  const total = Math.max(1, axis.end - axis.start);
  const left = ((span.start - axis.start) / total) * 100;
  const width = Math.max(0.3, ((span.end - span.start) / total) * 100);
  return { left: `${left}%`, width: `${Math.min(width, 100 - left)}%` };
}

/** The attempts of the selected node, drawn inside its row. */
function Attempts({ execution, nodeId, axis, now }: { readonly execution: { project: string; domain: string; name: string }; readonly nodeId: string; readonly axis: Span; readonly now: number }) {
  const attempts = useQuery({
    queryKey: ["timelineAttempts", execution.name, nodeId],
    queryFn: () => admin.listTaskExecutions({ nodeExecutionId: { executionId: execution, nodeId }, limit: 100 }),
    refetchInterval: 2000,
  });
  return (
    <>
      {(attempts.data?.taskExecutions ?? []).map((t) => {
        const phase = taskPhaseName(t.closure?.phase ?? 0);
        const span = spanOf(msOf(t.closure?.startedAt), durationMs(t.closure?.duration), !ENDED.has(phase), now);
        if (span === undefined) return null;
        const attempt = t.id?.retryAttempt ?? 0;
        return (
          <span key={attempt} className={`tl-attempt ${phaseTone(phase)}`} style={place(span, axis)} data-attempt={attempt} title={`attempt ${attempt + 1}: ${phase.toLowerCase()}, ${formatDuration(span.end - span.start)}`} />
        );
      })}
    </>
  );
}

/** Props of {@link Timeline}. */
export interface TimelineProps {
  readonly execution: { project: string; domain: string; name: string };
  /** The execution's start (ms), the axis' origin; undefined before it started. */
  readonly startedAt: number | undefined;
  readonly nodes: readonly NodeExecution[];
  readonly now: number;
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
}

/** The timeline. */
export function Timeline({ execution, startedAt, nodes, now, selected, onSelect }: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: nodes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  // The axis spans every node seen, from the execution's start (or the first node's) to the last end.
  let start = startedAt ?? Infinity;
  let end = -Infinity;
  for (const n of nodes) {
    const span = nodeSpan(n, now);
    if (span === undefined) continue;
    start = Math.min(start, span.start);
    end = Math.max(end, span.end);
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) return <p className="muted">No node has started yet.</p>;
  const axis = { start, end: Math.max(end, start + 1) };
  return (
    <div className="timeline" aria-label="Timeline">
      <div className="tl-axis" aria-hidden="true">
        <span>0s</span>
        <span>{formatDuration((axis.end - axis.start) / 2)}</span>
        <span>{formatDuration(axis.end - axis.start)}</span>
      </div>
      <div className="tl-rows" ref={scroller} role="list" aria-label="Nodes over time">
        <div style={{ height: rows.getTotalSize(), position: "relative" }}>
          {rows.getVirtualItems().map((row) => {
            const n = nodes[row.index];
            if (n === undefined) return null;
            const id = n.id?.nodeId ?? "";
            const phase = nodePhaseName(n.closure?.phase ?? 0);
            const span = nodeSpan(n, now);
            const depth = id.split("-").length - 1;
            return (
              <div key={id} role="listitem" className="tl-row" style={{ top: row.start, height: ROW }} data-node-id={id} data-phase={phase}>
                <button type="button" className={`link tl-label ${id === selected ? "current" : ""}`} style={{ paddingLeft: 4 + depth * 12 }} onClick={() => onSelect(id)} aria-current={id === selected}>
                  {id}
                </button>
                <div className="tl-track">
                  {span === undefined ? null : (
                    <span className={`tl-bar ${phaseTone(phase)}`} style={place(span, axis)} title={`${id}: ${phase.toLowerCase()}, ${formatDuration(span.end - span.start)}`} />
                  )}
                  {id === selected && span !== undefined ? <Attempts execution={execution} nodeId={id} axis={axis} now={now} /> : null}
                </div>
                <span className="num">{span === undefined ? "—" : formatDuration(span.end - span.start)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
