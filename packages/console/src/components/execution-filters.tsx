/** The executions list's filter bar; every change goes into the URL. */
import { useEffect, useState, type FormEvent } from "react";
import type { SetURLSearchParams } from "react-router";
import { paramsWithFilters, type ExecutionFilterValues } from "../lib/execution-filters.ts";
import { FILTER_PHASES } from "../lib/phases.ts";

/** Phase toggles and text/date filters, applied on submit. */
export function ExecutionFilters({ filters, params, setParams }: { readonly filters: ExecutionFilterValues; readonly params: URLSearchParams; readonly setParams: SetURLSearchParams }) {
  const [draft, setDraft] = useState(filters);
  // The phase toggles show the draft, which changes in the click's own render: the URL's change
  // comes later (the router navigates in a transition), and a checkbox bound to it would spring
  // back unchecked until then. A change of the URL from elsewhere (back, a link) resets the draft.
  const urlPhases = filters.phases.join(",");
  useEffect(() => {
    setDraft((d) => (d.phases.join(",") === urlPhases ? d : { ...d, phases: urlPhases === "" ? [] : urlPhases.split(",") }));
  }, [urlPhases]);
  const apply = (next: ExecutionFilterValues): void => setParams(paramsWithFilters(params, next));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    apply(draft);
  };
  const togglePhase = (phase: string): void => {
    const phases = draft.phases.includes(phase) ? draft.phases.filter((p) => p !== phase) : [...draft.phases, phase];
    setDraft({ ...draft, phases });
    apply({ ...filters, phases });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <fieldset className="phases">
        <legend>Phase</legend>
        {FILTER_PHASES.map((p) => (
          <label key={p} className="chip">
            <input type="checkbox" checked={draft.phases.includes(p)} onChange={() => togglePhase(p)} />
            {p.toLowerCase().replace("_", " ")}
          </label>
        ))}
      </fieldset>
      <label>Workflow <input name="workflow" value={draft.workflow} onChange={(e) => setDraft({ ...draft, workflow: e.target.value })} placeholder="name" /></label>
      <label>Launch plan <input name="launchPlan" value={draft.launchPlan} onChange={(e) => setDraft({ ...draft, launchPlan: e.target.value })} placeholder="name" /></label>
      <label>From <input type="datetime-local" name="from" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} /></label>
      <label>To <input type="datetime-local" name="to" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} /></label>
      <button type="submit">Apply</button>
      <button type="button" onClick={() => { const empty = { phases: [], workflow: "", launchPlan: "", from: "", to: "" }; setDraft(empty); apply(empty); }}>Clear</button>
    </form>
  );
}
