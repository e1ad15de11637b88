/** The executions list's filter bar; every change goes into the URL. */
import { useEffect, useState, type FormEvent } from "react";
import type { SetURLSearchParams } from "react-router";
import { FILTER_MODES, NO_FILTERS, paramsWithFilters, type ExecutionFilterValues } from "../lib/execution-filters.ts";
import { FILTER_PHASES } from "../lib/phases.ts";

/** Phase toggles and text/date filters, applied on submit. */
export function ExecutionFilters({ filters, params, setParams }: { readonly filters: ExecutionFilterValues; readonly params: URLSearchParams; readonly setParams: SetURLSearchParams }) {
  const [draft, setDraft] = useState(filters);
  // The phase toggles show the draft, which changes in the click's own render: the URL's change
  // comes later (the router navigates in a transition), and a checkbox bound to it would spring
  // back unchecked until then. A change of the URL from elsewhere (back, a link) resets the draft.
  // The mode select works the same way.
  const urlPhases = filters.phases.join(",");
  useEffect(() => {
    setDraft((d) => (d.phases.join(",") === urlPhases ? d : { ...d, phases: urlPhases === "" ? [] : urlPhases.split(",") }));
  }, [urlPhases]);
  const urlMode = filters.mode;
  useEffect(() => {
    setDraft((d) => (d.mode === urlMode ? d : { ...d, mode: urlMode }));
  }, [urlMode]);
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
      {/* A label beside the select, not around it: wrapped, its options' text ("child workflow")
          would join the label and match the Workflow filter's name too. */}
      <span className="select-filter">
        <label htmlFor="filter-mode">Mode</label>
        <select
          id="filter-mode"
          name="mode"
          value={draft.mode}
          onChange={(e) => {
            const mode = e.target.value;
            setDraft({ ...draft, mode });
            apply({ ...filters, mode });
          }}
        >
          <option value="">any</option>
          {FILTER_MODES.map((m) => <option key={m} value={m}>{m.toLowerCase().replace("_", " ")}</option>)}
        </select>
      </span>
      <label>From <input type="datetime-local" name="from" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} /></label>
      <label>To <input type="datetime-local" name="to" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} /></label>
      <button type="submit">Apply</button>
      <button type="button" onClick={() => { setDraft(NO_FILTERS); apply(NO_FILTERS); }}>Clear</button>
    </form>
  );
}
