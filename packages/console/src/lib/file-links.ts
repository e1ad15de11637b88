/**
 * Files and dataframes in literals: what they are (format, columns) and where the browser can
 * fetch them. Their URIs name the server that stored them (`http://host:port/download/...`, see
 * docs/data.md); the console links the same path on its own origin, the server that served it,
 * so a link works whichever name (localhost, 127.0.0.1, a proxy) the page was opened with.
 */
import { BlobType_BlobDimensionality, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** A file, directory or dataframe value. */
export interface FileValue {
  readonly kind: "file" | "directory" | "dataframe";
  readonly uri: string;
  /** `csv`, `parquet`, ... ("" when the type names none). */
  readonly format: string;
  /** A dataframe's declared columns, with their types' short names. */
  readonly columns: readonly { readonly name: string; readonly type: LiteralType | undefined }[];
}

/** The file value `literal` holds, or undefined when it holds something else. */
export function fileValueOf(literal: Literal | undefined): FileValue | undefined {
  if (literal?.value.case !== "scalar") return undefined;
  const s = literal.value.value.value;
  if (s.case === "blob") {
    const type = s.value.metadata?.type;
    return { kind: type?.dimensionality === BlobType_BlobDimensionality.MULTIPART ? "directory" : "file", uri: s.value.uri, format: type?.format ?? "", columns: [] };
  }
  if (s.case === "structuredDataset") {
    const type = s.value.metadata?.structuredDatasetType;
    return { kind: "dataframe", uri: s.value.uri, format: type?.format ?? "", columns: (type?.columns ?? []).map((c) => ({ name: c.name, type: c.literalType })) };
  }
  return undefined;
}

/**
 * Where the browser fetches `uri`: a server download URL becomes the same path on the page's
 * origin; another http(s) URL is kept; anything else (s3://, file://) has no link.
 */
export function downloadHref(uri: string): string | undefined {
  const m = /^https?:\/\/[^/]+(\/download\/[^?#]*)$/.exec(uri);
  if (m !== null) return m[1];
  return /^https?:\/\//.test(uri) ? uri : undefined;
}

/** The last segment of a URI, as the name a download is saved under. */
export function baseName(uri: string): string {
  return decodeURIComponent(uri.replace(/\/+$/, "").split("/").at(-1) ?? "");
}
