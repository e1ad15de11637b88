/** A task: its interface, runtime settings and newest version. */
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { fetchTask } from "../api/entities.ts";
import { InterfaceView } from "../components/interface-view.tsx";
import { durationMs, formatDuration } from "../lib/time.ts";

/** The task page. */
export function TaskPage() {
  const { project = "", domain = "", name = "" } = useParams();
  const task = useQuery({ queryKey: ["task", project, domain, name], queryFn: () => fetchTask(project, domain, name) });
  if (task.error !== null) return <p role="alert" className="error">{task.error.message}</p>;
  if (task.data === undefined) return <p>Loading task {name}…</p>;
  const template = task.data.closure?.compiledTask?.template;
  const meta = template?.metadata;
  return (
    <section>
      <h1>{name}</h1>
      <p className="muted">Version <code>{task.data.id?.version}</code> · type {template?.type}</p>
      <dl className="facts">
        <dt>Retries</dt><dd>{meta?.retries?.retries ?? 0}</dd>
        <dt>Timeout</dt><dd>{meta?.timeout === undefined ? "none" : formatDuration(durationMs(meta.timeout))}</dd>
        <dt>Cache</dt><dd>{meta?.discoverable === true ? `on (version ${meta.discoveryVersion})` : "off"}</dd>
      </dl>
      <h2>Interface</h2>
      <InterfaceView iface={template?.interface} />
    </section>
  );
}
