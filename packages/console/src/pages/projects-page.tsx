/** The console's home: every project, each linking to its executions per domain. */
import { Link } from "react-router";
import { useProjects } from "../components/project-switcher.tsx";
import { executionsUrl } from "../lib/urls.ts";

/** Projects and their domains. */
export function ProjectsPage() {
  const projects = useProjects();
  return (
    <section>
      <h1>Projects</h1>
      {projects.isPending ? <p>Loading projects…</p> : null}
      {projects.error !== null ? <p role="alert" className="error">Could not list projects: {projects.error.message}</p> : null}
      {projects.data?.length === 0 ? <p>No projects yet: register a workflow with <code>flyte register</code> or run one with <code>flyte run --remote</code>.</p> : null}
      <ul className="cards">
        {projects.data?.map((p) => (
          <li key={p.id} className="card">
            <h2>{p.name === "" ? p.id : p.name}</h2>
            {p.description === "" ? null : <p>{p.description}</p>}
            <p className="domains">
              {p.domains.map((d) => (
                <Link key={d.id} to={executionsUrl(p.id, d.id)}>{d.id}</Link>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
