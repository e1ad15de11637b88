/** A launch plan: its schedule, default and fixed inputs, activation state, and a launch button. */
import { LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { admin } from "../api/clients.ts";
import { fetchLaunchPlan } from "../api/entities.ts";
import { literalToJson, typeName } from "../lib/literals.ts";
import { executionsUrl, launchUrl, workflowUrl } from "../lib/urls.ts";

/** The launch plan page. */
export function LaunchPlanPage() {
  const { project = "", domain = "", name = "" } = useParams();
  const [params] = useSearchParams();
  const version = params.get("version") ?? undefined;
  const client = useQueryClient();
  const lp = useQuery({ queryKey: ["launchPlanPage", project, domain, name, version], queryFn: () => fetchLaunchPlan(project, domain, name, version) });
  const [error, setError] = useState<string | undefined>(undefined);
  if (lp.error !== null) return <p role="alert" className="error">{lp.error.message}</p>;
  if (lp.data === undefined) return <p>Loading launch plan {name}…</p>;
  const spec = lp.data.spec;
  const schedule = spec?.entityMetadata?.schedule;
  const active = lp.data.closure?.state === LaunchPlanState.ACTIVE;
  const scheduleText =
    schedule === undefined ? "none"
      : schedule.ScheduleExpression.case === "cronSchedule" ? `cron ${schedule.ScheduleExpression.value.schedule}`
        : schedule.ScheduleExpression.case === "cronExpression" ? `cron ${schedule.ScheduleExpression.value}`
          : schedule.ScheduleExpression.case === "rate" ? `every ${schedule.ScheduleExpression.value.value} ${["minutes", "hours", "days"][schedule.ScheduleExpression.value.unit] ?? ""}`
            : "none";
  const toggle = async (): Promise<void> => {
    setError(undefined);
    try {
      await admin.updateLaunchPlan({ id: lp.data.id, state: active ? LaunchPlanState.INACTIVE : LaunchPlanState.ACTIVE });
      await client.invalidateQueries({ queryKey: ["launchPlanPage"] });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const defaults = Object.entries(spec?.defaultInputs?.parameters ?? {});
  const fixed = Object.entries(spec?.fixedInputs?.literals ?? {});
  return (
    <section>
      <div className="title-row">
        <h1>{name}</h1>
        <Link className="button primary" to={launchUrl(project, domain, name)}>Launch</Link>
        <Link className="button" to={executionsUrl(project, domain, `launchPlan=${encodeURIComponent(name)}`)}>Executions</Link>
      </div>
      <dl className="facts">
        <dt>Version</dt><dd><code>{lp.data.id?.version}</code></dd>
        <dt>Workflow</dt><dd>{spec?.workflowId === undefined ? "—" : <Link to={workflowUrl(project, domain, spec.workflowId.name, spec.workflowId.version)}>{spec.workflowId.name}</Link>}</dd>
        <dt>Schedule</dt><dd>{scheduleText}</dd>
        <dt>State</dt><dd>{active ? "active" : "inactive"} <button type="button" onClick={() => void toggle()}>{active ? "Deactivate" : "Activate"}</button></dd>
      </dl>
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      <h2>Default inputs</h2>
      <table className="grid compact" aria-label="Default inputs">
        <thead><tr><th>Input</th><th>Type</th><th>Default</th></tr></thead>
        <tbody>
          {defaults.length === 0 ? <tr><td colSpan={3} className="muted">none</td></tr> : defaults.map(([k, p]) => (
            <tr key={k}><td><code>{k}</code></td><td>{typeName(p.var?.type)}</td><td>{p.behavior.case === "default" ? <code>{JSON.stringify(literalToJson(p.behavior.value))}</code> : p.behavior.case === "required" ? "required" : "—"}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Fixed inputs</h2>
      <table className="grid compact" aria-label="Fixed inputs">
        <tbody>
          {fixed.length === 0 ? <tr><td className="muted">none</td></tr> : fixed.map(([k, l]) => <tr key={k}><td><code>{k}</code></td><td><code>{JSON.stringify(literalToJson(l))}</code></td></tr>)}
        </tbody>
      </table>
    </section>
  );
}
