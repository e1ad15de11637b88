/**
 * One execution: its phase and actions (terminate, relaunch, relaunch with changes, recover), the
 * graph with live node phases, every node in a list, and the selected node's panel (`?node=ID`).
 * Everything live comes from one WatchExecution stream.
 */
import { create } from "@bufbuild/protobuf";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { WatchExecutionResponseSchema, type MapItemSummary, type WatchExecutionResponse } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { admin, watch } from "../api/clients.ts";
import { useDynamicWorkflows } from "../api/dynamic-workflows.ts";
import { fetchWorkflowById } from "../api/entities.ts";
import { executionHeader } from "../api/execution-header.ts";
import { executionWatch, executionWatchKey } from "../api/live-requests.ts";
import { useLive } from "../api/use-live.ts";
import { ExecutionActions } from "../components/execution-actions.tsx";
import { LiveIndicator } from "../components/live-indicator.tsx";
import { NodeList } from "../components/node-list.tsx";
import { NodePanel } from "../components/node-panel.tsx";
import { PhaseBadge } from "../components/phase-badge.tsx";
import { Timeline } from "../components/timeline.tsx";
import { ValueView } from "../components/value-view.tsx";
import { ExecutionGraph, prestartLayoutWorker } from "../graph/execution-graph.tsx";
import { graphNodesOf } from "../graph/graph-nodes.ts";
import { executionPhaseName, isTerminal } from "../lib/phases.ts";
import { gate } from "../lib/gate.ts";
import { durationMs, formatDuration, formatTime, msOf } from "../lib/time.ts";
import { useNow } from "../lib/use-now.ts";
import { workflowUrl } from "../lib/urls.ts";

interface LiveExecution {
  readonly execution: Execution | undefined;
  readonly nodes: ReadonlyMap<string, NodeExecution>;
  readonly maps: ReadonlyMap<string, MapItemSummary>;
}

const SPECIAL = new Set(["start-node", "end-node"]);
/**
 * Longest the stream waits for the graph's first drawing before it opens (it opens at once when
 * there is no graph to wait for).
 */
const HOLD_FOR_GRAPH_MS = 3000;
/** localStorage key that overrides HOLD_FOR_GRAPH_MS (in ms): a test sets it high, to see the stream wait for the graph itself. */
const HOLD_FOR_GRAPH_KEY = "flyte:hold-for-graph-ms";

function holdForGraphMs(): number {
  try {
    const ms = Number(window.localStorage.getItem(HOLD_FOR_GRAPH_KEY) ?? "");
    return ms > 0 ? ms : HOLD_FOR_GRAPH_MS;
  } catch {
    return HOLD_FOR_GRAPH_MS; // storage refused (a privacy setting)
  }
}
/** Node ids in natural order (n2 before n10). */
const BY_ID = new Intl.Collator(undefined, { numeric: true });

/** The execution page: a fresh view (state, stream cursor) for every execution navigated to. */
export function ExecutionPage() {
  const { project = "", domain = "", name = "" } = useParams();
  return <ExecutionView key={`${project}/${domain}/${name}`} project={project} domain={domain} name={name} />;
}

function ExecutionView({ project, domain, name }: { readonly project: string; readonly domain: string; readonly name: string }) {
  const [params, setParams] = useSearchParams();
  const selected = params.get("node") ?? undefined;
  // The tab shown is local state set in the click (the URL follows in the router's transition),
  // so the tabs never spring back while it navigates.
  const [view, setView] = useState<"graph" | "timeline">(params.get("view") === "timeline" ? "timeline" : "graph");
  // Expanded groups (`?expand=n1,n3`), local state for the same reason.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set((params.get("expand") ?? "").split(",").filter((x) => x !== "")));
  const id = useMemo(() => ({ project, domain, name }), [project, domain, name]);
  const [live, setLive] = useState<LiveExecution>({ execution: undefined, nodes: new Map(), maps: new Map() });
  const cursor = useRef(0n);
  // The graph needs only the header and the workflow. The stream, whose first state carries
  // every node record (thousands, encoded by the server and decoded on this thread), opens once
  // the graph is drawn, so it delays neither; the nodes' phases follow.
  const [graphDrawn] = useState(() => gate(holdForGraphMs()));
  const [header] = useState(() => executionHeader(project, domain, name));
  const [headerError, setHeaderError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let mounted = true;
    header.then(
      (execution) => {
        if (mounted) setLive((prev) => (prev.execution === undefined ? { ...prev, execution } : prev));
      },
      (e: unknown) => {
        // No graph will be drawn: the stream opens now and says what is wrong, or polls.
        if (mounted) setHeaderError(e instanceof Error ? e.message : String(e));
        graphDrawn.open();
      },
    );
    return () => {
      mounted = false;
    };
  }, [header, graphDrawn]);
  useEffect(prestartLayoutWorker, []);
  const apply = useCallback((res: WatchExecutionResponse) => {
    cursor.current = res.cursor;
    setLive((prev) => {
      const nodes = new Map(res.full ? [] : prev.nodes);
      for (const n of res.nodeExecutions) nodes.set(n.id?.nodeId ?? "", n);
      const maps = new Map(res.full ? [] : prev.maps);
      for (const m of res.mapItems) maps.set(m.nodeId, m);
      return { execution: res.execution ?? prev.execution, nodes, maps };
    });
  }, []);
  const status = useLive(executionWatchKey(project, domain, name), {
    stream: (signal) => watch.watchExecution(executionWatch(project, domain, name, cursor.current), { signal }),
    poll: async (signal) => {
      const [execution, list] = await Promise.all([admin.getExecution({ id }, { signal }), admin.listNodeExecutions({ workflowExecutionId: id, limit: 10_000 }, { signal })]);
      return create(WatchExecutionResponseSchema, { execution, nodeExecutions: list.nodeExecutions, full: true, cursor: cursor.current });
    },
    onMessage: apply,
    done: (res) => res.execution !== undefined && isTerminal(res.execution.closure?.phase ?? 0),
    after: graphDrawn.opened,
  });
  const execution = live.execution;
  const workflowId = execution?.closure?.workflowId;
  const workflow = useQuery({ queryKey: ["workflow", workflowId?.name, workflowId?.version], queryFn: () => fetchWorkflowById(workflowId!), enabled: workflowId !== undefined, staleTime: Infinity });
  const phase = executionPhaseName(execution?.closure?.phase ?? 0);
  const data = useQuery({ queryKey: ["executionData", name, phase], queryFn: () => admin.getExecutionData({ id }), enabled: execution !== undefined });
  const now = useNow(1000);
  // No graph to wait for: the timeline shows the nodes themselves, or the workflow failed to load.
  useEffect(() => {
    if (view === "timeline" || workflow.isError) graphDrawn.open();
  }, [view, workflow.isError, graphDrawn]);

  const closure = workflow.data?.closure?.compiledWorkflow;
  const primary = closure?.primary;
  const specNodes = useMemo(() => (primary?.template?.nodes ?? []).filter((n) => !SPECIAL.has(n.id)), [primary]);
  const allNodes = useMemo(() => [...live.nodes.values()].sort((a, b) => BY_ID.compare(a.id?.nodeId ?? "", b.id?.nodeId ?? "")), [live.nodes]);
  const dynamics = useDynamicWorkflows(id, expanded, live.nodes);
  const graph = useMemo(() => graphNodesOf(closure, live, allNodes, expanded, dynamics), [closure, live, allNodes, expanded, dynamics]);
  const select = useCallback(
    (nodeId: string | undefined) => {
      const next = new URLSearchParams(params);
      if (nodeId === undefined) next.delete("node");
      else next.set("node", nodeId);
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  const onSelect = useCallback((nodeId: string) => select(nodeId), [select]);
  const toggle = useCallback(
    (nodeId: string) => {
      const next = new Set(expanded);
      if (!next.delete(nodeId)) next.add(nodeId);
      setExpanded(next);
      const p = new URLSearchParams(params);
      if (next.size === 0) p.delete("expand");
      else p.set("expand", [...next].join(","));
      setParams(p, { replace: true });
    },
    [expanded, params, setParams],
  );
  const showView = (next: "graph" | "timeline"): void => {
    setView(next);
    const p = new URLSearchParams(params);
    if (next === "graph") p.delete("view");
    else p.set("view", next);
    setParams(p, { replace: true });
  };

  if (status.error !== undefined && execution === undefined && status.state !== "connecting") return <p role="alert" className="error">{status.error}</p>;
  if (headerError !== undefined && execution === undefined && status.error === undefined) return <p role="alert" className="error">{headerError}</p>;
  if (execution === undefined) return <p>Loading execution {name}…</p>;
  const started = msOf(execution.closure?.startedAt);
  const running = !isTerminal(execution.closure?.phase ?? 0);
  const duration = running && started !== undefined ? now - started : durationMs(execution.closure?.duration);
  const selectedSpec = specNodes.find((n) => n.id === selected);
  const taskId = selectedSpec?.target.case === "taskNode" && selectedSpec.target.value.reference.case === "referenceId" ? selectedSpec.target.value.reference.value : undefined;
  const task = workflow.data?.closure?.compiledWorkflow?.tasks.find((t) => t.template?.id?.name === taskId?.name && t.template?.id?.version === taskId?.version);
  const error = execution.closure?.outputResult.case === "error" ? execution.closure.outputResult.value : undefined;
  const abort = execution.closure?.outputResult.case === "abortMetadata" ? execution.closure.outputResult.value : undefined;
  return (
    <section className="execution">
      <div className="title-row">
        <h1>{name}</h1>
        <PhaseBadge phase={phase} />
        <LiveIndicator state={status.state} error={status.error} />
        <ExecutionActions execution={execution} running={running} />
      </div>
      <dl className="facts">
        <dt>Workflow</dt>
        <dd>{workflowId === undefined ? "—" : <Link to={workflowUrl(project, domain, workflowId.name, workflowId.version)}>{workflowId.name}</Link>}</dd>
        <dt>Launch plan</dt><dd>{execution.spec?.launchPlan?.name ?? "—"}</dd>
        <dt>Created</dt><dd>{formatTime(msOf(execution.closure?.createdAt))}</dd>
        <dt>Duration</dt><dd data-duration>{formatDuration(duration)}</dd>
      </dl>
      {error === undefined ? null : <pre className="error" role="alert">{error.message}</pre>}
      {abort === undefined ? null : <p className="muted">Terminated: {abort.cause}</p>}
      <div className={`workspace ${selected === undefined ? "" : "with-panel"}`}>
        <div className="main-col">
          <div className="view-tabs" role="tablist" aria-label="View">
            <button type="button" role="tab" id="tab-graph" aria-controls="view-panel" aria-selected={view === "graph"} onClick={() => showView("graph")}>Graph</button>
            <button type="button" role="tab" id="tab-timeline" aria-controls="view-panel" aria-selected={view === "timeline"} onClick={() => showView("timeline")}>Timeline</button>
          </div>
          <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`}>
            {view === "timeline" ? (
              <Timeline execution={id} startedAt={msOf(execution.closure?.startedAt)} nodes={allNodes} now={now} selected={selected} onSelect={onSelect} />
            ) : workflow.isPending ? (
              <p>Loading the graph…</p>
            ) : (
              <ExecutionGraph nodes={graph.nodes} edges={graph.edges} selected={selected} onSelect={onSelect} onToggle={toggle} onDrawn={graphDrawn.open} />
            )}
          </div>
          <details className="io" open>
            <summary>Execution inputs and outputs</summary>
            <h3>Inputs</h3>
            <ValueView values={data.data?.fullInputs} types={primary?.template?.interface?.inputs} label="Execution inputs" />
            <h3>Outputs</h3>
            <ValueView values={data.data?.fullOutputs} types={primary?.template?.interface?.outputs} label="Execution outputs" />
          </details>
          <h2>Nodes</h2>
          <NodeList nodes={allNodes} selected={selected} onSelect={onSelect} />
        </div>
        {selected === undefined ? null : (
          <NodePanel
            key={selected}
            execution={id}
            nodeId={selected}
            node={live.nodes.get(selected)}
            spec={selectedSpec}
            iface={task?.template?.interface}
            map={live.maps.get(selected)}
            onSelect={onSelect}
            onClose={() => select(undefined)}
          />
        )}
      </div>
    </section>
  );
}
