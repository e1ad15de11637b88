/**
 * Reading remote executions: ids, phases, waiting for the end, errors and outputs as JSON, and
 * the formatting shared by `flyte get` and `flyte run --remote --wait`.
 */
import { durationMs, timestampDate, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ExecutionError_ErrorKind, NodeExecution_Phase, WorkflowExecution_Phase, type ExecutionError } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Remote } from "./connection.ts";
import { isNotFound, RemoteError } from "./connection.ts";

/** The identifier of execution `name` in the remote's project and domain. */
export function executionIdOf(remote: Remote, name: string): { project: string; domain: string; name: string } {
  return { project: remote.project, domain: remote.domain, name };
}

const TERMINAL = new Set([WorkflowExecution_Phase.SUCCEEDED, WorkflowExecution_Phase.FAILED, WorkflowExecution_Phase.ABORTED, WorkflowExecution_Phase.TIMED_OUT]);

/** Whether an execution in `phase` is over. */
export function isTerminal(phase: WorkflowExecution_Phase): boolean {
  return TERMINAL.has(phase);
}

/** "SUCCEEDED", "RUNNING", ... */
export function phaseName(phase: WorkflowExecution_Phase): string {
  return WorkflowExecution_Phase[phase] ?? String(phase);
}

/** Node phases by name. */
export function nodePhaseName(phase: NodeExecution_Phase): string {
  return NodeExecution_Phase[phase] ?? String(phase);
}

/** GetExecution, with NOT_FOUND naming the execution and where it was looked for. */
export async function getExecution(remote: Remote, name: string): Promise<Execution> {
  try {
    return await remote.admin.getExecution({ id: executionIdOf(remote, name) });
  } catch (err) {
    if (isNotFound(err)) throw new RemoteError(`execution '${name}' was not found in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`, (err as RemoteError).code);
    throw err;
  }
}

/**
 * Polls until the execution ends; `onPoll` sees each state. The first polls come quickly (a
 * short workflow ends within a few hundred milliseconds, and waiting a fixed 250 ms was most of
 * `run --remote --wait`'s time), then back off to one a second: a poll is one cheap read.
 */
export async function waitForExecution(remote: Remote, name: string, onPoll: (e: Execution) => Promise<void> | void = () => {}, intervalMs = 10): Promise<Execution> {
  for (let delay = intervalMs; ; delay = Math.min(delay * 1.5, 1_000)) {
    const execution = await getExecution(remote, name);
    await onPoll(execution);
    if (isTerminal(execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED)) return execution;
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The execution's outputs: from GetExecutionData (offloaded or not), else from the closure. */
export async function executionOutputs(remote: Remote, execution: Execution): Promise<LiteralMap | undefined> {
  const result = execution.closure?.outputResult;
  if (result?.case === "outputData") return result.value;
  try {
    const data = await remote.admin.getExecutionData({ id: execution.id! });
    if (data.fullOutputs !== undefined) return data.fullOutputs;
  } catch (err) {
    if (result?.case !== "outputs") throw err;
  }
  return undefined;
}

/** The error of a failed execution, if it has one. */
export function executionError(execution: Execution): ExecutionError | undefined {
  const result = execution.closure?.outputResult;
  return result?.case === "error" ? result.value : undefined;
}

/** An execution error as JSON. */
export function errorJson(error: ExecutionError): Record<string, unknown> {
  return { code: error.code, message: error.message, kind: ExecutionError_ErrorKind[error.kind] ?? String(error.kind) };
}

/** Why an execution did not succeed, in one line. */
export function failureText(execution: Execution): string {
  const name = execution.id?.name ?? "?";
  const phase = phaseName(execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED);
  const result = execution.closure?.outputResult;
  if (result?.case === "error") return `execution ${name} ${phase}: ${result.value.code}: ${result.value.message}`;
  if (result?.case === "abortMetadata") return `execution ${name} ${phase}: ${result.value.cause}`;
  if (result?.case === "abortCause") return `execution ${name} ${phase}: ${result.value}`;
  return `execution ${name} did not complete successfully, phase ${phase}`;
}

/** A timestamp as `2024-01-02 03:04:05` (UTC), or "-". */
export function timeText(ts: Timestamp | undefined): string {
  return ts === undefined ? "-" : timestampDate(ts).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
}

/** A duration as `1.2s` / `3m4s`, or "-". */
export function durationText(d: Duration | undefined): string {
  if (d === undefined) return "-";
  const ms = durationMs(d);
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

/** Rows as an aligned text table with a header. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
