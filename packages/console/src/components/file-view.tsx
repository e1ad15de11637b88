/**
 * A file, directory or dataframe value: its kind and format, a dataframe's columns, and download
 * links — one for a file, one per file for a folder (listed by the server's `?list`).
 */
import { useQuery } from "@tanstack/react-query";
import { baseName, downloadHref, type FileValue } from "../lib/file-links.ts";
import { typeName } from "../lib/literals.ts";

/** Files of a folder shown at most; the rest are counted. */
const MAX_LISTED = 20;

async function listFolder(href: string): Promise<string[]> {
  const res = await fetch(`${href.replace(/\/+$/, "")}?list`);
  if (!res.ok) throw new Error(`listing ${href}: the server answered ${res.status} ${await res.text()}`);
  return ((await res.json()) as { files: string[] }).files;
}

function FolderFiles({ href }: { readonly href: string }) {
  const files = useQuery({ queryKey: ["folder", href], queryFn: () => listFolder(href), staleTime: Infinity });
  if (files.isPending) return <span className="muted">listing files…</span>;
  if (files.isError) return <span className="error">{files.error.message}</span>;
  if (files.data.length === 0) return <span className="muted">no files</span>;
  const base = href.replace(/\/+$/, "");
  return (
    <ul className="file-list">
      {files.data.slice(0, MAX_LISTED).map((f) => (
        <li key={f}><a href={`${base}/${f.split("/").map(encodeURIComponent).join("/")}`} download={baseName(f)}>{f}</a></li>
      ))}
      {files.data.length > MAX_LISTED ? <li className="muted">and {files.data.length - MAX_LISTED} more</li> : null}
    </ul>
  );
}

/**
 * One file value, named `name` (for the link's accessible name). `showKind` (default true) says
 * its kind and format; a row whose type column already says them leaves it out.
 */
export function FileView({ name, value, showKind = true }: { readonly name: string; readonly value: FileValue; readonly showKind?: boolean }) {
  const href = downloadHref(value.uri);
  return (
    <div className="file-value" data-file={name} data-kind={value.kind}>
      <div>
        {showKind ? <><span className="file-kind">{value.kind}{value.format === "" ? "" : ` · ${value.format}`}</span>{" "}</> : null}
        {href === undefined ? (
          <code>{value.uri}</code>
        ) : value.kind === "file" ? (
          <a href={href} download={baseName(value.uri)} aria-label={`Download ${name}: ${baseName(value.uri)}`}>{baseName(value.uri)}</a>
        ) : (
          <code title={value.uri}>{baseName(value.uri)}/</code>
        )}
      </div>
      {value.columns.length === 0 ? null : (
        <table className="columns" aria-label={`Columns of ${name}`}>
          <tbody>
            {value.columns.map((c) => <tr key={c.name}><th scope="row">{c.name}</th><td>{typeName(c.type)}</td></tr>)}
          </tbody>
        </table>
      )}
      {href !== undefined && value.kind !== "file" ? <FolderFiles href={href} /> : null}
    </div>
  );
}
