/** The project and domain pickers in the header: switching keeps the user on the same section. */
import { useQuery } from "@tanstack/react-query";
import { useLocation, useNavigate } from "react-router";
import { admin } from "../api/clients.ts";
import { useScope } from "../lib/scope.ts";

/** Lists every project and its domains. */
export function useProjects() {
  return useQuery({ queryKey: ["projects"], queryFn: async () => (await admin.listProjects({ limit: 1000 })).projects });
}

const SECTIONS = ["executions", "workflows", "tasks", "launchPlans"];

/** Project and domain selects. */
export function ProjectSwitcher() {
  const scope = useScope();
  const projects = useProjects();
  const navigate = useNavigate();
  const location = useLocation();
  if (scope === undefined || projects.data === undefined) return null;
  const project = projects.data.find((p) => p.id === scope.project);
  const domains = project?.domains.map((d) => d.id) ?? [scope.domain];
  const section = SECTIONS.find((s) => location.pathname.includes(`/${s}`)) ?? "executions";
  const go = (p: string, d: string): void => void navigate(`/projects/${encodeURIComponent(p)}/${section}?domain=${encodeURIComponent(d)}`);
  return (
    <div className="switcher">
      <label>
        <span className="label">Project</span>
        <select value={scope.project} onChange={(e) => go(e.target.value, scope.domain)}>
          {projects.data.map((p) => (
            <option key={p.id} value={p.id}>{p.name === "" ? p.id : p.name}</option>
          ))}
          {project === undefined ? <option value={scope.project}>{scope.project}</option> : null}
        </select>
      </label>
      <label>
        <span className="label">Domain</span>
        <select value={scope.domain} onChange={(e) => go(scope.project, e.target.value)}>
          {domains.map((d) => (
            <option key={d} value={d}>{d}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
