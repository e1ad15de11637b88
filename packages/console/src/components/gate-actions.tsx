/**
 * A gate node's actions: approve or reject an approval gate, send the value of a signal gate
 * (typed by the signal, with the launch form's editors).
 */
import { create } from "@bufbuild/protobuf";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { GateNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { signals } from "../api/clients.ts";
import { FormField } from "../launch/form-field.tsx";
import { emptyValue, literalOf, type FormValue } from "../launch/form-values.ts";
import { literalToJson } from "../lib/literals.ts";

/** Props of {@link GateActions}. */
export interface GateActionsProps {
  readonly execution: { readonly project: string; readonly domain: string; readonly name: string };
  readonly gate: GateNode;
  readonly waiting: boolean;
}

/** Approve/reject or send-a-value controls, or the value already sent. */
export function GateActions({ execution, gate, waiting }: GateActionsProps) {
  const signalId = gate.condition.case === "approve" || gate.condition.case === "signal" ? gate.condition.value.signalId : undefined;
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["signals", execution.name],
    queryFn: () => signals.listSignals({ workflowExecutionId: execution, limit: 1000 }),
    refetchInterval: waiting ? 2000 : false,
  });
  const [value, setValue] = useState<FormValue | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (gate.condition.case === "sleep") return <p className="muted">A sleep gate: it continues by itself.</p>;
  if (signalId === undefined) return null;
  const signal = list.data?.signals.find((s) => s.id?.signalId === signalId);
  const send = async (literal: ReturnType<typeof literalOf>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await signals.setSignal({ id: { executionId: execution, signalId }, value: literal });
      await client.invalidateQueries({ queryKey: ["signals", execution.name] });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const bool = (b: boolean) => create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "boolean", value: b } } } } } });
  if (signal?.value !== undefined) return <p>Signal <code>{signalId}</code> was given: <code>{JSON.stringify(literalToJson(signal.value))}</code></p>;
  if (!waiting) return <p className="muted">Signal <code>{signalId}</code> has no value yet.</p>;
  return (
    <div className="gate">
      {gate.condition.case === "approve" ? (
        <div className="actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void send(bool(true))}>Approve</button>
          <button type="button" className="danger" disabled={busy} onClick={() => void send(bool(false))}>Reject</button>
        </div>
      ) : signal?.type === undefined ? (
        <p className="muted">Waiting for signal <code>{signalId}</code>…</p>
      ) : (
        <form onSubmit={(e) => {
          e.preventDefault();
          try {
            void send(literalOf(value ?? emptyValue(signal.type!), signal.type!, signalId));
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}>
          <FormField label={signalId} type={signal.type} value={value ?? emptyValue(signal.type)} onChange={setValue} />
          <button type="submit" className="primary" disabled={busy}>Send signal</button>
        </form>
      )}
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
    </div>
  );
}
