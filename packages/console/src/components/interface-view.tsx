/** An entity's typed interface: inputs and outputs with their types and descriptions. */
import type { TypedInterface, VariableMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { typeName } from "../lib/literals.ts";

function Vars({ vars, label }: { readonly vars: VariableMap | undefined; readonly label: string }) {
  const entries = Object.entries(vars?.variables ?? {});
  return (
    <table className="grid compact" aria-label={label}>
      <thead><tr><th>{label}</th><th>Type</th><th>Description</th></tr></thead>
      <tbody>
        {entries.length === 0 ? <tr><td colSpan={3} className="muted">none</td></tr> : entries.map(([name, v]) => (
          <tr key={name}><td><code>{name}</code></td><td>{typeName(v.type)}</td><td>{v.description}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

/** Inputs and outputs tables. */
export function InterfaceView({ iface }: { readonly iface: TypedInterface | undefined }) {
  return (
    <div className="interface">
      <Vars vars={iface?.inputs} label="Inputs" />
      <Vars vars={iface?.outputs} label="Outputs" />
    </div>
  );
}
