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

/** Values whose one-line JSON is at most this long are shown on one line (`[1, 2, 3]`, not five lines). */
const ONE_LINE_CHARS = 60;

/** `json` as text: on one line when short, else indented. */
function jsonText(json: unknown): string {
  // Line breaks in the indented form are formatting only (JSON escapes those inside strings).
  const oneLine = (JSON.stringify(json, null, 1) ?? "null").replace(/\n */g, " ");
  return oneLine.length <= ONE_LINE_CHARS ? oneLine : (JSON.stringify(json, null, 2) ?? "null");
}

/** A file value's kind and format as the type column spells them (`file (csv)`). */
function kindOf(f: FileValue): string {
  return f.format === "" ? f.kind : `${f.kind} (${f.format})`;
}

/** `declared`: the type column's text, if it is shown; a file's kind and format are then not said again. */
function Value({ name, literal, declared }: { readonly name: string; readonly literal: Literal; readonly declared: string | undefined }) {
  const files = filesOf(literal);
  if (files === undefined) return <pre data-value={name}>{jsonText(literalToJson(literal))}</pre>;
  return (
    <div data-value={name}>
      {files.map((f, i) => <FileView key={i} name={files.length === 1 ? name : `${name}[${i}]`} value={f} showKind={declared?.includes(kindOf(f)) !== true} />)}
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
        {entries.map(([name, literal]) => {
          const type = types?.variables[name]?.type;
          const declared = type === undefined ? undefined : typeName(type);
          return (
            <tr key={name}>
              <th scope="row">{name}{declared === undefined ? null : <span className="type">{declared}</span>}</th>
              <td><Value name={name} literal={literal} declared={declared} /></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
