/**
 * Validation of blob keys. Keys come from node ids, execution names and uploaded file names, so a
 * crafted id must not reach outside the store's root: this is the one place that decides.
 */
import { BlobError } from "./blob-store.ts";

/**
 * Checks `path` is a relative, normalized, `/`-separated key and returns its segments.
 * `allowEmpty` admits `""` (the root), for listing.
 *
 * @throws BlobError `E_BLOB_PATH` naming the path and what is wrong with it.
 */
export function blobPathSegments(path: string, allowEmpty = false): string[] {
  if (path === "") {
    if (allowEmpty) return [];
    throw pathError(path, "it is empty");
  }
  if (path.includes("\0")) throw pathError(path, "it contains a NUL byte");
  if (path.includes("\\")) throw pathError(path, "it contains a backslash; use '/' between segments");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    throw pathError(path, "it is absolute; blob paths are relative to the store's root");
  }
  const trimmed = allowEmpty && path.endsWith("/") ? path.slice(0, -1) : path;
  const segments = trimmed.split("/");
  for (const segment of segments) {
    if (segment === "") throw pathError(path, "it has an empty segment ('//' or a trailing '/')");
    if (segment === "..") throw pathError(path, "it has a '..' segment, which would escape the store's root");
    if (segment === ".") throw pathError(path, "it has a '.' segment; give the normalized path");
  }
  return segments;
}

function pathError(path: string, why: string): BlobError {
  return new BlobError("E_BLOB_PATH", path, `Invalid blob path ${JSON.stringify(path)}: ${why}.`);
}
