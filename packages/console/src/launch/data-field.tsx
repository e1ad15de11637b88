/**
 * The launch form's field for a file, directory or dataframe input: the URI of something already
 * in the server's store, or a local file picked here and uploaded through the data proxy (its URI
 * then fills the field). Directories are given by URI only: a browser cannot upload a folder as one
 * input the way `flyte run --remote` does.
 */
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { useContext, useId, useState, type ReactNode } from "react";
import { takesOneFile } from "./form-values.ts";
import { UploadContext } from "./upload-file.ts";

/** Props of {@link DataField}. */
export interface DataFieldProps {
  readonly label: string;
  readonly type: LiteralType;
  readonly hint: ReactNode;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly disabled: boolean;
  readonly description?: string | undefined;
}

/** Where an upload stands: nothing yet, under way (the file's name), or failed (the reason). */
type UploadState = { readonly kind: "idle" } | { readonly kind: "uploading"; readonly name: string } | { readonly kind: "failed"; readonly message: string };

/** A URI field with a file picker that uploads. */
export function DataField({ label, type, hint, value, onChange, disabled, description }: DataFieldProps) {
  const id = useId();
  const upload = useContext(UploadContext);
  const [state, setState] = useState<UploadState>({ kind: "idle" });
  const format = type.type.case === "blob" || type.type.case === "structuredDatasetType" ? type.type.value.format : "";
  const pick = async (file: File | undefined): Promise<void> => {
    if (file === undefined || upload === undefined) return;
    setState({ kind: "uploading", name: file.name });
    try {
      onChange(await upload(file));
      setState({ kind: "idle" });
    } catch (err) {
      setState({ kind: "failed", message: `${label}: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const canPick = upload !== undefined && takesOneFile(type);
  return (
    <div className="field data" data-input={label}>
      <label htmlFor={id}>{label} {hint}</label>
      <input id={id} name={label} type="url" placeholder="http://<server>/download/... (or upload a file)" value={value} disabled={disabled || state.kind === "uploading"} onChange={(e) => onChange(e.target.value)} />
      {canPick ? (
        <>
          <label htmlFor={`${id}-file`} className="upload">Upload a local file for {label}</label>
          <input id={`${id}-file`} name={`${label}-file`} type="file" accept={format === "" || format === "parquet" ? undefined : `.${format}`} disabled={disabled || state.kind === "uploading"} onChange={(e) => void pick(e.target.files?.[0])} />
        </>
      ) : null}
      {state.kind === "uploading" ? <small role="status">Uploading {state.name}…</small> : null}
      {state.kind === "failed" ? <small role="alert" className="error">{state.message}</small> : null}
      {description === undefined ? null : <small>{description}</small>}
    </div>
  );
}
