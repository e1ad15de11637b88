/** The console's frame (header, project/domain switcher, navigation) and its routes. */
import { lazy, Suspense } from "react";
import { Navigate, NavLink, Route, Routes } from "react-router";
import { ProjectSwitcher } from "./components/project-switcher.tsx";
import { useScope } from "./lib/scope.ts";
import { entitiesUrl, executionsUrl } from "./lib/urls.ts";
import { ExecutionsPage } from "./pages/executions-page.tsx";

// Only the executions list (the console's landing page in a project) is in the main bundle: the
// other pages load on demand, so the list's page compiles as little as it can. The graph pages
// bring React Flow and the layout worker; the launch form its field editors.
const ExecutionPage = lazy(async () => ({ default: (await import("./pages/execution-page.tsx")).ExecutionPage }));
const WorkflowPage = lazy(async () => ({ default: (await import("./pages/workflow-page.tsx")).WorkflowPage }));
const EntitiesPage = lazy(async () => ({ default: (await import("./pages/entities-page.tsx")).EntitiesPage }));
const LaunchPage = lazy(async () => ({ default: (await import("./pages/launch-page.tsx")).LaunchPage }));
const LaunchPlanPage = lazy(async () => ({ default: (await import("./pages/launch-plan-page.tsx")).LaunchPlanPage }));
const ProjectsPage = lazy(async () => ({ default: (await import("./pages/projects-page.tsx")).ProjectsPage }));
const TaskPage = lazy(async () => ({ default: (await import("./pages/task-page.tsx")).TaskPage }));

function Nav() {
  const scope = useScope();
  if (scope === undefined) return null;
  const { project, domain } = scope;
  return (
    <nav aria-label="Sections" className="nav">
      <NavLink to={executionsUrl(project, domain)}>Executions</NavLink>
      <NavLink to={entitiesUrl(project, domain, "workflows")}>Workflows</NavLink>
      <NavLink to={entitiesUrl(project, domain, "tasks")}>Tasks</NavLink>
      <NavLink to={entitiesUrl(project, domain, "launchPlans")}>Launch plans</NavLink>
    </nav>
  );
}

/** The whole app. */
export function App() {
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <NavLink to="/" className="brand">Flyte</NavLink>
        <ProjectSwitcher />
        <Nav />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>
        <Routes>
          <Route path="/" element={<ProjectsPage />} />
          <Route path="/projects" element={<ProjectsPage />} />
          <Route path="/projects/:project" element={<ExecutionsPage />} />
          <Route path="/projects/:project/executions" element={<ExecutionsPage />} />
          <Route path="/projects/:project/workflows" element={<EntitiesPage kind="workflows" />} />
          <Route path="/projects/:project/tasks" element={<EntitiesPage kind="tasks" />} />
          <Route path="/projects/:project/launchPlans" element={<EntitiesPage kind="launchPlans" />} />
          <Route path="/projects/:project/domains/:domain/executions/:name" element={<ExecutionPage />} />
          <Route path="/projects/:project/domains/:domain/workflows/:name" element={<WorkflowPage />} />
          <Route path="/projects/:project/domains/:domain/tasks/:name" element={<TaskPage />} />
          <Route path="/projects/:project/domains/:domain/launch_plans/:name" element={<LaunchPlanPage />} />
          <Route path="/projects/:project/domains/:domain/launch" element={<LaunchPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
        </Suspense>
      </main>
    </>
  );
}
