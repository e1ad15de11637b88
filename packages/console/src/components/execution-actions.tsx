/** An execution's actions: terminate, relaunch (same inputs), relaunch with changes, recover. */
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { admin } from "../api/clients.ts";
import { executionUrl, launchUrl } from "../lib/urls.ts";

/** Buttons acting on `execution`. */
export function ExecutionActions({ execution, running }: { readonly execution: Execution; readonly running: boolean }) {
  const navigate = useNavigate();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = { project: execution.id?.project ?? "", domain: execution.id?.domain ?? "", name: execution.id?.name ?? "" };
  const act = async (what: () => Promise<string | undefined>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await what();
      if (next !== undefined) void navigate(executionUrl(id.project, id.domain, next));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const phase = execution.closure?.phase ?? 0;
  const lp = execution.spec?.launchPlan;
  return (
    <div className="actions">
      {running ? (
        <button type="button" className="danger" disabled={busy} onClick={() => {
          if (window.confirm(`Terminate execution ${id.name}?`)) void act(async () => { await admin.terminateExecution({ id, cause: "terminated from the console" }); return undefined; });
        }}>Terminate</button>
      ) : null}
      <button type="button" disabled={busy} onClick={() => void act(async () => (await admin.relaunchExecution({ id, name: "" })).id?.name)}>Relaunch</button>
      {lp === undefined || lp.name === "" ? null : <Link className="button" to={launchUrl(id.project, id.domain, lp.name, id.name)}>Relaunch with changes</Link>}
      {phase === WorkflowExecution_Phase.FAILED || phase === WorkflowExecution_Phase.ABORTED || phase === WorkflowExecution_Phase.TIMED_OUT ? (
        <button type="button" disabled={busy} onClick={() => void act(async () => (await admin.recoverExecution({ id, name: "" })).id?.name)}>Recover</button>
      ) : null}
      {error === undefined ? null : <span role="alert" className="error">{error}</span>}
    </div>
  );
}
