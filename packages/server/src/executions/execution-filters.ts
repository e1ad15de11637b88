/**
 * The executions list's filters, in FlyteAdmin's grammar (`op(field,value)` joined with `+`), as
 * the console puts them in its URLs, for ListExecutions and WatchExecutions alike. Phase filters go
 * to the store (indexed); the others are checked on each listed execution.
 */
import { ExecutionMetadata_ExecutionMode, type Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { invalidArgument } from "../api/errors.ts";

const MODES = Object.keys(ExecutionMetadata_ExecutionMode).filter((k) => !/^\d+$/.test(k));

/**
 * The execution mode `value` names: a name (`SCHEDULED`, any case) or FlyteAdmin's stored number
 * (`1`); refused naming the modes otherwise.
 */
function modeOf(value: string, filter: string, rpc: string): ExecutionMetadata_ExecutionMode {
  // The enum object maps names to numbers and numbers back to names: only the first kind counts.
  const byName = (ExecutionMetadata_ExecutionMode as unknown as Record<string, unknown>)[value.toUpperCase()];
  if (typeof byName === "number") return byName;
  if (/^\d+$/.test(value) && ExecutionMetadata_ExecutionMode[Number(value)] !== undefined) return Number(value);
  throw invalidArgument(`${rpc}: filter '${filter}' names no execution mode; use one of ${MODES.join(", ")}`);
}

/** Parsed filters: the store's phase filter and a check of the rest. */
export interface ExecutionFilters {
  /** `eq(phase,X)` / `value_in(phase,X;Y)` as the store's filter (empty when none). */
  readonly phaseFilter: string;
  /** Whether an execution passes the other filters. */
  readonly matches: (execution: Execution) => boolean;
  /** Whether there are filters besides phase (the store cannot page them by itself). */
  readonly scans: boolean;
}

const FILTER = /^(eq|value_in|gte|lte)\(([a-z_.]+),([^)]*)\)$/;

function millisOf(value: string, filter: string, rpc: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidArgument(`${rpc}: filter '${filter}' needs an ISO date-time, e.g. 2026-01-31T12:00:00Z`);
  return ms;
}

/**
 * Parses `filters` for `rpc` (named in errors: ListExecutions or WatchExecutions, which share the
 * grammar); an unknown one is refused naming the filters that exist.
 */
export function parseExecutionFilters(filters: string, rpc = "WatchExecutions"): ExecutionFilters {
  const phases: string[] = [];
  const checks: ((e: Execution) => boolean)[] = [];
  for (const raw of filters.split("+").map((f) => f.trim()).filter((f) => f !== "")) {
    const m = FILTER.exec(raw);
    const [op, field, value] = m === null ? [] : [m[1], m[2], m[3] ?? ""];
    if (field === "phase" && (op === "eq" || op === "value_in")) phases.push(raw);
    else if (field === "workflow.name" && op === "eq") checks.push((e) => e.closure?.workflowId?.name === value);
    else if (field === "launch_plan.name" && op === "eq") checks.push((e) => e.spec?.launchPlan?.name === value);
    else if (field === "mode" && (op === "eq" || op === "value_in")) {
      const modes = new Set((value ?? "").split(";").map((v) => modeOf(v, raw, rpc)));
      checks.push((e) => modes.has(e.spec?.metadata?.mode ?? ExecutionMetadata_ExecutionMode.MANUAL));
    }
    else if (field === "created_at" && (op === "gte" || op === "lte")) {
      const bound = millisOf(value ?? "", raw, rpc);
      checks.push((e) => {
        const created = e.closure?.createdAt;
        const ms = created === undefined ? 0 : Number(created.seconds) * 1000 + Math.floor(created.nanos / 1e6);
        return op === "gte" ? ms >= bound : ms <= bound;
      });
    } else {
      throw invalidArgument(
        `${rpc}: unsupported filter '${raw}'; ${rpc} supports the filters eq(phase,X), value_in(phase,X;Y), eq(workflow.name,W), eq(launch_plan.name,L), eq(mode,M), value_in(mode,M;N), gte(created_at,ISO) or lte(created_at,ISO), joined with '+'`,
      );
    }
  }
  if (phases.length > 1) throw invalidArgument(`${rpc}: one phase filter at most; got ${phases.join(" and ")} (use value_in(phase,A;B))`);
  return { phaseFilter: phases[0] ?? "", matches: (e) => checks.every((c) => c(e)), scans: checks.length > 0 };
}
