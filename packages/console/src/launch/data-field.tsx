/**
 * The launch form's field for a file, directory or dataframe input: the URI of something already
 * in the server's store, or a local file (a folder, for a directory) picked here and uploaded
 * through the data proxy (its URI then fills the field).
 */
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { useContext, useId, useState, type ReactNode } from "react";
import { takesOneFile } from "./form-values.ts";
import { UploadContext } from "./upload-file.ts";
import { FolderUploadContext } from "./upload-folder.ts";

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
  const uploadFolder = useContext(FolderUploadContext);
  const [state, setState] = useState<UploadState>({ kind: "idle" });
  const format = type.type.case === "blob" || type.type.case === "structuredDatasetType" ? type.type.value.format : "";
  const uploading = async (name: string, run: () => Promise<string>): Promise<void> => {
    setState({ kind: "uploading", name });
    try {
      onChange(await run());
      setState({ kind: "idle" });
    } catch (err) {
      setState({ kind: "failed", message: `${label}: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const pick = async (file: File | undefined): Promise<void> => {
    if (file !== undefined && upload !== undefined) await uploading(file.name, () => upload(file));
  };
  const pickFolder = async (list: FileList | null): Promise<void> => {
    const files = [...(list ?? [])];
    const name = files[0]?.webkitRelativePath.split("/")[0] ?? "the folder";
    if (uploadFolder !== undefined) await uploading(name, () => uploadFolder(files));
  };
  const oneFile = takesOneFile(type);
  const canPick = upload !== undefined && oneFile;
  const canPickFolder = uploadFolder !== undefined && !oneFile;
  return (
    <div className="field data" data-input={label}>
      <label htmlFor={id}>{label} {hint}</label>
      <input id={id} name={label} type="url" placeholder={`http://<server>/download/... (or upload a ${oneFile ? "file" : "folder"})`} value={value} disabled={disabled || state.kind === "uploading"} onChange={(e) => onChange(e.target.value)} />
      {canPick ? (
        <>
          <label htmlFor={`${id}-file`} className="upload">Upload a local file for {label}</label>
          <input id={`${id}-file`} name={`${label}-file`} type="file" accept={format === "" || format === "parquet" ? undefined : `.${format}`} disabled={disabled || state.kind === "uploading"} onChange={(e) => void pick(e.target.files?.[0])} />
        </>
      ) : null}
      {canPickFolder ? (
        <>
          <label htmlFor={`${id}-folder`} className="upload">Upload a local folder for {label}</label>
          <input id={`${id}-folder`} name={`${label}-folder`} type="file" webkitdirectory="" multiple disabled={disabled || state.kind === "uploading"} onChange={(e) => void pickFolder(e.target.files)} />
        </>
      ) : null}
      {state.kind === "uploading" ? <small role="status">Uploading {state.name}…</small> : null}
      {state.kind === "failed" ? <small role="alert" className="error">{state.message}</small> : null}
      {description === undefined ? null : <small>{description}</small>}
    </div>
  );
}
