/**
 * A folder's content address, computed as `flyte run --remote` computes it for a local folder
 * (flytekit's `folderHash`): the SHA-256 of `<relative path>\0sha256:<file's SHA-256>\n` for every
 * file, in order of relative path. The same folder uploaded from the console or the CLI then has
 * one URI, and cache keys (which hold the URI) follow its bytes.
 */
import { Sha256 } from "../lib/sha256.ts";

/** One file of a folder: its path relative to the folder (`/`-separated) and its SHA-256 in hex. */
export interface FolderEntry {
  readonly rel: string;
  readonly hex: string;
}

/** The folder's SHA-256 in hex (no `sha256:` prefix: it names a path segment). */
export function folderHashOf(entries: readonly FolderEntry[]): string {
  // Sorted as Node's default sort orders flytekit's list: by UTF-16 code units.
  const sorted = [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const hash = new Sha256();
  const utf8 = new TextEncoder();
  for (const e of sorted) hash.update(utf8.encode(`${e.rel}\0sha256:${e.hex}\n`));
  return hash.hex();
}
