/** A workflow: its graph, interface, versions, recent executions link and a launch button. */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { fetchWorkflow } from "../api/entities.ts";
import { InterfaceView } from "../components/interface-view.tsx";
import { ExecutionGraph, type GraphNode } from "../graph/execution-graph.tsx";
import { nodeLabelOf } from "../graph/node-label.ts";
import { executionsUrl, launchUrl } from "../lib/urls.ts";

const SPECIAL = new Set(["start-node", "end-node"]);
const noop = (): void => undefined;

/** The workflow page. */
export function WorkflowPage() {
  const { project = "", domain = "", name = "" } = useParams();
  const [params] = useSearchParams();
  const version = params.get("version") ?? undefined;
  const wf = useQuery({ queryKey: ["workflowByName", project, domain, name, version], queryFn: () => fetchWorkflow(project, domain, name, version) });
  const primary = wf.data?.closure?.compiledWorkflow?.primary;
  const nodes = useMemo<GraphNode[]>(
    () => (primary?.template?.nodes ?? []).filter((n) => !SPECIAL.has(n.id)).map((n) => ({ id: n.id, label: nodeLabelOf(n), kind: n.target.case === "arrayNode" ? "map" : (n.target.case ?? "node").replace("Node", ""), phase: "UNDEFINED" })),
    [primary],
  );
  const edges = useMemo(() => {
    const out: [string, string][] = [];
    for (const [target, ids] of Object.entries(primary?.connections?.upstream ?? {})) for (const s of ids.ids) if (!SPECIAL.has(s) && !SPECIAL.has(target)) out.push([s, target]);
    return out;
  }, [primary]);
  if (wf.error !== null) return <p role="alert" className="error">{wf.error.message}</p>;
  if (wf.data === undefined) return <p>Loading workflow {name}…</p>;
  return (
    <section>
      <div className="title-row">
        <h1>{name}</h1>
        <Link className="button primary" to={launchUrl(project, domain, name)}>Launch</Link>
        <Link className="button" to={executionsUrl(project, domain, `workflow=${encodeURIComponent(name)}`)}>Executions</Link>
      </div>
      <p className="muted">Version <code>{wf.data.id?.version}</code></p>
      <ExecutionGraph nodes={nodes} edges={edges} selected={undefined} onSelect={noop} />
      <h2>Interface</h2>
      <InterfaceView iface={primary?.template?.interface} />
    </section>
  );
}
