/**
 * Named values (inputs or outputs) with their types: files, directories and dataframes (alone or
 * in a list) as typed values with download links, everything else as JSON.
 */
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { VariableMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { fileValueOf, type FileValue } from "../lib/file-links.ts";
import { literalToJson, typeName } from "../lib/literals.ts";
import { FileView } from "./file-view.tsx";

/** The file values of `literal` (one, or a list's), or undefined when it holds anything else. */
function filesOf(literal: Literal): FileValue[] | undefined {
  const one = fileValueOf(literal);
  if (one !== undefined) return [one];
  if (literal.value.case !== "collection" || literal.value.value.literals.length === 0) return undefined;
  const all = literal.value.value.literals.map(fileValueOf);
  return all.every((f) => f !== undefined) ? all : undefined;
}

function Value({ name, literal }: { readonly name: string; readonly literal: Literal }) {
  const files = filesOf(literal);
  if (files === undefined) return <pre data-value={name}>{JSON.stringify(literalToJson(literal), null, 2)}</pre>;
  return (
    <div data-value={name}>
      {files.map((f, i) => <FileView key={i} name={files.length === 1 ? name : `${name}[${i}]`} value={f} />)}
    </div>
  );
}

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
            <td><Value name={name} literal={literal} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
