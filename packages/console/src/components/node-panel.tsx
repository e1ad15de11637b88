/**
 * The selected node: phase, cache status, typed inputs and outputs, the error with its stack,
 * every attempt with its log inline (streaming while the attempt runs), a gate's actions, and a
 * map node's item histogram and paged items.
 */
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { CatalogCacheStatus } from "@flyte/idl/gen/flyteidl/core/catalog_pb.js";
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import type { Node as SpecNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { admin } from "../api/clients.ts";
import { nodePhaseName, taskPhaseName } from "../lib/phases.ts";
import { durationMs, formatDuration } from "../lib/time.ts";
import { AttemptLog } from "./attempt-log.tsx";
import { GateActions } from "./gate-actions.tsx";
import { MapHistogram } from "./map-histogram.tsx";
import { MapItems } from "./map-items.tsx";
import { PhaseBadge } from "./phase-badge.tsx";
import { ValueView } from "./value-view.tsx";

/** Props of {@link NodePanel}. */
export interface NodePanelProps {
  readonly execution: { readonly project: string; readonly domain: string; readonly name: string };
  readonly nodeId: string;
  readonly node: NodeExecution | undefined;
  readonly spec: SpecNode | undefined;
  readonly iface: TypedInterface | undefined;
  readonly map: MapItemSummary | undefined;
  readonly onSelect: (id: string) => void;
  readonly onClose: () => void;
}

function logPath(uri: string): string {
  try {
    return new URL(uri, window.location.origin).pathname;
  } catch {
    return uri;
  }
}

/** The node panel. */
export function NodePanel({ execution, nodeId, node, spec, iface, map, onSelect, onClose }: NodePanelProps) {
  const phase = nodePhaseName(node?.closure?.phase ?? 0);
  const running = ["QUEUED", "RUNNING", "DYNAMIC_RUNNING", "UNDEFINED"].includes(phase);
  const revision = `${phase}:${node?.closure?.updatedAt?.seconds ?? 0}:${node?.closure?.updatedAt?.nanos ?? 0}`;
  const id = { executionId: execution, nodeId };
  const data = useQuery({ queryKey: ["nodeData", execution.name, nodeId, revision], queryFn: () => admin.getNodeExecutionData({ id }), enabled: node !== undefined, placeholderData: (p) => p });
  const attempts = useQuery({
    queryKey: ["attempts", execution.name, nodeId, revision],
    queryFn: () => admin.listTaskExecutions({ nodeExecutionId: id, limit: 100 }),
    enabled: node !== undefined && map === undefined && spec?.target.case !== "gateNode",
    placeholderData: (p) => p,
  });
  const [attemptIndex, setAttemptIndex] = useState<number | undefined>(undefined);
  const list = attempts.data?.taskExecutions ?? [];
  const shown = list[attemptIndex ?? list.length - 1];
  const error = node?.closure?.outputResult.case === "error" ? node.closure.outputResult.value : undefined;
  const cache = node?.closure?.targetMetadata.case === "taskNodeMetadata" ? node.closure.targetMetadata.value.cacheStatus : undefined;
  return (
    <aside className="panel" aria-label={`Node ${nodeId}`}>
      <div className="panel-head">
        <h2>{nodeId}</h2>
        <button type="button" onClick={onClose} aria-label="Close node panel">Close</button>
      </div>
      <p>
        <PhaseBadge phase={phase} /> {formatDuration(durationMs(node?.closure?.duration))}
        {cache === undefined || cache === CatalogCacheStatus.CACHE_DISABLED ? null : <span className="cache" data-cache>cache: {(CatalogCacheStatus[cache] ?? "").replace("CACHE_", "").toLowerCase().replaceAll("_", " ")}</span>}
      </p>
      {node === undefined ? <p className="muted">Not started.</p> : null}
      {spec?.target.case === "gateNode" ? <GateActions execution={execution} gate={spec.target.value} waiting={running} /> : null}
      {map === undefined ? null : (
        <>
          <h3>Items</h3>
          <MapHistogram summary={map} />
          <MapItems execution={execution} nodeId={nodeId} revision={JSON.stringify(map.phases)} onSelect={onSelect} />
        </>
      )}
      {error === undefined ? null : (
        <section className="node-error" role="alert">
          <h3>Error{error.code === "" ? "" : ` (${error.code})`}</h3>
          <pre>{error.message}</pre>
        </section>
      )}
      <h3>Inputs</h3>
      <ValueView values={data.data?.fullInputs} types={iface?.inputs} label="Inputs" />
      <h3>Outputs</h3>
      <ValueView values={data.data?.fullOutputs} types={iface?.outputs} label="Outputs" />
      {list.length === 0 ? null : (
        <>
          <h3>Attempts</h3>
          <div className="attempts" role="tablist" aria-label="Attempts">
            {list.map((a, i) => (
              <button key={i} type="button" role="tab" aria-selected={a === shown} onClick={() => setAttemptIndex(i)}>
                #{(a.id?.retryAttempt ?? i) + 1} {taskPhaseName(a.closure?.phase ?? 0).toLowerCase()} {formatDuration(durationMs(a.closure?.duration))}
              </button>
            ))}
          </div>
          {shown?.closure?.outputResult.case === "error" ? <pre className="error">{shown.closure.outputResult.value.message}</pre> : null}
          {shown?.closure?.logs[0] === undefined ? null : <AttemptLog url={logPath(shown.closure.logs[0].uri)} live={running && shown === list.at(-1)} />}
        </>
      )}
    </aside>
  );
}
