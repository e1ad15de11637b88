/**
 * Workflows, tasks or launch plans of a project and domain: one row per name with its versions
 * count and newest version, filtered by a search box kept in the URL (`?q=`).
 */
import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { admin } from "../api/clients.ts";
import { useScope } from "../lib/scope.ts";
import { formatTime, msOf } from "../lib/time.ts";
import { launchPlanUrl, launchUrl, taskUrl, workflowUrl } from "../lib/urls.ts";

type Kind = "workflows" | "tasks" | "launchPlans";
interface Row {
  readonly name: string;
  readonly versions: number;
  readonly version: string;
  readonly created: number | undefined;
}

async function rowsOf(kind: Kind, project: string, domain: string): Promise<Row[]> {
  const id = { project, domain };
  const list =
    kind === "workflows"
      ? (await admin.listWorkflows({ id, limit: 10_000 })).workflows
      : kind === "tasks"
        ? (await admin.listTasks({ id, limit: 10_000 })).tasks
        : (await admin.listLaunchPlans({ id, limit: 10_000 })).launchPlans;
  const byName = new Map<string, Row>();
  for (const e of list) {
    const name = e.id?.name ?? "";
    const created = msOf(e.closure?.createdAt);
    const prev = byName.get(name);
    const newer = prev === undefined || (created ?? 0) >= (prev.created ?? 0);
    byName.set(name, { name, versions: (prev?.versions ?? 0) + 1, version: newer ? (e.id?.version ?? "") : (prev?.version ?? ""), created: newer ? created : prev?.created });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const TITLES: Record<Kind, string> = { workflows: "Workflows", tasks: "Tasks", launchPlans: "Launch plans" };

/** The list page of one kind of entity. */
export function EntitiesPage({ kind }: { readonly kind: Kind }) {
  const scope = useScope();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const project = scope?.project ?? "";
  const domain = scope?.domain ?? "";
  const rows = useQuery({ queryKey: [kind, project, domain], queryFn: () => rowsOf(kind, project, domain) });
  const shown = (rows.data ?? []).filter((r) => r.name.toLowerCase().includes(q.toLowerCase()));
  const link = (name: string): string => (kind === "workflows" ? workflowUrl(project, domain, name) : kind === "tasks" ? taskUrl(project, domain, name) : launchPlanUrl(project, domain, name));
  return (
    <section>
      <h1>{TITLES[kind]}</h1>
      <label className="search">
        Search <input type="search" value={q} onChange={(e) => {
          const next = new URLSearchParams(params);
          if (e.target.value === "") next.delete("q");
          else next.set("q", e.target.value);
          setParams(next, { replace: true });
        }} />
      </label>
      {rows.isPending ? <p>Loading…</p> : null}
      {rows.error !== null ? <p role="alert" className="error">{rows.error.message}</p> : null}
      {rows.data !== undefined && shown.length === 0 ? <p>Nothing registered matches.</p> : null}
      {shown.length > 0 ? (
        <table className="grid" aria-label={TITLES[kind]}>
          <thead><tr><th>Name</th><th>Versions</th><th>Newest version</th><th>Registered</th>{kind === "launchPlans" ? <th>Launch</th> : null}</tr></thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.name}>
                <td><Link to={link(r.name)}>{r.name}</Link></td>
                <td className="num">{r.versions}</td>
                <td><code>{r.version}</code></td>
                <td>{formatTime(r.created)}</td>
                {kind === "launchPlans" ? <td><Link to={launchUrl(project, domain, r.name)}>Launch</Link></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
