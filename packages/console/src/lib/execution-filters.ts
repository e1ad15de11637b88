/**
 * The executions list's filters as URL search parameters (so a reload or a shared link keeps
 * them) and as the server's filter string.
 */

/** Filters of the executions list. */
export interface ExecutionFilterValues {
  /** Phase names; empty for every phase. */
  readonly phases: readonly string[];
  readonly workflow: string;
  readonly launchPlan: string;
  /** Execution mode name (`SCHEDULED`, `RELAUNCH`, ...), or "" for every mode. */
  readonly mode: string;
  /** `datetime-local` values (local time), or "". */
  readonly from: string;
  readonly to: string;
}

/** Flyte's execution modes, as the mode filter offers them. */
export const FILTER_MODES = ["MANUAL", "SCHEDULED", "SYSTEM", "RELAUNCH", "CHILD_WORKFLOW", "RECOVERED"] as const;

/** No filter at all. */
export const NO_FILTERS: ExecutionFilterValues = { phases: [], workflow: "", launchPlan: "", mode: "", from: "", to: "" };

/** The filters in `params`. */
export function filtersFromParams(params: URLSearchParams): ExecutionFilterValues {
  return {
    phases: (params.get("phase") ?? "").split(",").filter((p) => p !== ""),
    workflow: params.get("workflow") ?? "",
    launchPlan: params.get("launchPlan") ?? "",
    mode: params.get("mode") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
}

/** `params` with the filters set (empty ones removed) and the page reset. */
export function paramsWithFilters(params: URLSearchParams, filters: ExecutionFilterValues): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (key: string, value: string): void => {
    if (value === "") next.delete(key);
    else next.set(key, value);
  };
  set("phase", filters.phases.join(","));
  set("workflow", filters.workflow.trim());
  set("launchPlan", filters.launchPlan.trim());
  set("mode", filters.mode);
  set("from", filters.from);
  set("to", filters.to);
  next.delete("page");
  return next;
}

/** The filters in the server's grammar (`op(field,value)` joined with `+`). */
export function serverFilters(filters: ExecutionFilterValues): string {
  const out: string[] = [];
  if (filters.phases.length === 1) out.push(`eq(phase,${filters.phases[0] ?? ""})`);
  else if (filters.phases.length > 1) out.push(`value_in(phase,${filters.phases.join(";")})`);
  if (filters.workflow !== "") out.push(`eq(workflow.name,${filters.workflow})`);
  if (filters.launchPlan !== "") out.push(`eq(launch_plan.name,${filters.launchPlan})`);
  if (filters.mode !== "") out.push(`eq(mode,${filters.mode})`);
  if (filters.from !== "") out.push(`gte(created_at,${new Date(filters.from).toISOString()})`);
  if (filters.to !== "") out.push(`lte(created_at,${new Date(filters.to).toISOString()})`);
  return out.join("+");
}
