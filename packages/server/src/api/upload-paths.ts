/**
 * Keys of uploaded files: relative paths below `<data-dir>/uploads`, validated so that no request
 * can reach outside that folder.
 */
import { join, resolve, sep } from "node:path";

/** Why a key was refused. */
export class UploadPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadPathError";
  }
}

/**
 * Checks the segments of a key: none may be empty, `.` or `..`, or contain a backslash or NUL
 * (an empty first segment is an absolute path).
 */
export function checkSegments(segments: readonly string[], what: string): void {
  if (segments.length === 0) throw new UploadPathError(`${what} is empty`);
  for (const s of segments) {
    if (s === "") throw new UploadPathError(`${what} has an empty segment (absolute path or '//'); use a relative path such as project/domain/prefix/file.tar.gz`);
    if (s === "." || s === "..") throw new UploadPathError(`${what} contains '${s}'; paths may not leave their folder`);
    if (s.includes("\\") || s.includes("\0")) throw new UploadPathError(`${what} contains a backslash or NUL character`);
  }
}

/** The segments of the URL path after `prefix` (e.g. "/upload/"), percent-decoded and checked. */
export function keyFromUrlPath(pathname: string, prefix: string): string[] {
  const rest = pathname.slice(prefix.length);
  let segments: string[];
  try {
    segments = rest.split("/").map((s) => decodeURIComponent(s));
  } catch {
    throw new UploadPathError(`the path '${pathname}' is not valid percent-encoding`);
  }
  checkSegments(segments, `the path '${pathname}'`);
  return segments;
}

/** The file of a key below `root`; refuses anything that would resolve outside it. */
export function fileOfKey(root: string, segments: readonly string[]): string {
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  if (!file.startsWith(base + sep)) throw new UploadPathError(`the path '${segments.join("/")}' leaves the uploads folder`);
  return file;
}

/** The URL path of a key, each segment percent-encoded. */
export function urlPathOfKey(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join("/");
}
