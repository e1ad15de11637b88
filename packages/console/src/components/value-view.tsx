/** Named values (inputs or outputs) with their types, as a table of JSON renderings. */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { VariableMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { literalToJson, typeName } from "../lib/literals.ts";

/** The literals of `values`, typed by `types` when known. */
export function ValueView({ values, types, label }: { readonly values: LiteralMap | undefined; readonly types?: VariableMap | undefined; readonly label: string }) {
  const entries = Object.entries(values?.literals ?? {});
  if (entries.length === 0) return <p className="muted">No {label.toLowerCase()}.</p>;
  return (
    <table className="values" aria-label={label}>
      <tbody>
        {entries.map(([name, literal]) => (
          <tr key={name}>
            <th scope="row">{name}{types?.variables[name]?.type === undefined ? null : <span className="type">{typeName(types.variables[name].type)}</span>}</th>
            <td><pre data-value={name}>{JSON.stringify(literalToJson(literal), null, 2)}</pre></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
